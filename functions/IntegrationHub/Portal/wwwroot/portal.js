// The operators' portal. Only the portal API is called; every piece of API text reaches the page as text
// (textContent, text nodes, attributes of elements built here) and is never parsed as markup.
(function () {
  'use strict';

  const API = '/api/v1/portal';
  const SVG = 'http://www.w3.org/2000/svg';

  const DEPARTMENTS = { GA: '公安', FG: '房管', RS: '人社' };
  const STATES = [
    ['Waiting', '等待投递'],
    ['Retrying', '重试中'],
    ['Held', '维护暂停'],
    ['Delivered', '已送达'],
    ['Failed', '失败'],
    ['Resolved', '已处理'],
  ];
  const STATE_LABELS = Object.fromEntries(STATES);
  const STATUS_LABELS = {
    Submitted: '已提交',
    Delivered: '已送达部门',
    Accepted: '已受理',
    SupplementRequired: '待补正',
    InReview: '审核中',
    Rejected: '不予受理',
    Approved: '办结·准予',
    Denied: '办结·不予',
    Withdrawn: '已撤回',
  };
  // Timeline entries come with their Chinese (title, text, outcomeLabel, statusLabel) from the server's one table
  // (Portal/PortalText.cs); only what the page itself adds is worded here.
  const UNWRITTEN_CALLS = '尚未写入时间线的部门查询';
  const OUTCOME_TONES = {
    Received: 'ok', Completed: 'ok', Rejected: 'warn', Invalid: 'bad', ConfigurationFault: 'bad', Transient: 'warn', Held: 'info', Conflict: 'warn', Poison: 'bad',
  };
  const STATE_TONES = { Waiting: 'info', Retrying: 'warn', Held: 'info', Delivered: 'ok', Failed: 'bad', Resolved: 'muted' };
  const ROLE_LABELS = { operator: '操作员', viewer: '只读查看', 'community-worker': '全科社工', 'street-supervisor': '街道主管' };
  const AUDIT_ACTIONS = {
    replay: '重新投递',
    'bulk-replay': '批量重新投递',
    reveal: '查看完整信息',
    resolve: '标记已处理',
    'sign-in-failed': '登录失败',
    'sign-in-throttled': '登录受限',
    'sign-in-lockout': '账户临时锁定',
    'suggestion-accepted': '受理建议',
    'suggestion-progress': '建议进展反馈',
    'suggestion-resolved': '建议结果反馈',
    'suggestion-transferred': '建议转办',
    'suggestion-reveal': '查看居民联系方式',
    'appointment-arrived': '预约到场',
    'appointment-done': '预约办结',
    'appointment-no-show': '预约未到',
  };
  const AUDIT_TONES = { reveal: 'warn', 'suggestion-reveal': 'warn', 'sign-in-failed': 'warn', 'sign-in-throttled': 'warn', 'sign-in-lockout': 'bad' };
  const FIELD_LABELS = {
    name: '姓名', idNumber: '身份证号', phone: '手机号', reason: '原因', user: '用户名', password: '密码',
    applicationId: '申请编号', caseNumber: '部门受理号', item: '事项', itemCode: '事项', department: '部门', state: '状态',
    from: '开始时间', to: '结束时间', handoff: '投递状态', field: '字段', body: '请求',
  };

  const state = { user: null, view: null, detail: null, hours: null, dashboardTimer: 0 };

  // ---- DOM helpers -------------------------------------------------------------------------------------

  const $ = (id) => document.getElementById(id);

  function el(tag, options, ...children) {
    const node = document.createElement(tag);
    applyOptions(node, options);
    append(node, children);
    return node;
  }

  function svg(tag, attributes, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      node.setAttribute(name, String(value));
    }
    append(node, children);
    return node;
  }

  function applyOptions(node, options) {
    if (!options) {
      return;
    }
    for (const [name, value] of Object.entries(options)) {
      if (value === undefined || value === null || value === false) {
        continue;
      }
      if (name === 'text') {
        node.textContent = String(value);
      } else if (name === 'class') {
        node.className = value;
      } else if (name === 'on') {
        for (const [event, handler] of Object.entries(value)) {
          node.addEventListener(event, handler);
        }
      } else if (name === 'dataset') {
        Object.assign(node.dataset, value);
      } else {
        node.setAttribute(name, value === true ? '' : String(value));
      }
    }
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) {
        continue;
      }
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  function badge(text, tone) {
    return el('span', { class: `badge badge-${tone || 'muted'}`, text });
  }

  function stateBadge(handoff) {
    return badge(STATE_LABELS[handoff] || handoff, STATE_TONES[handoff]);
  }

  function pad(n) {
    return String(n).padStart(2, '0');
  }

  function formatTime(value) {
    if (!value) {
      return '—';
    }
    const d = new Date(value);
    if (Number.isNaN(d.getTime())) {
      return String(value);
    }
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }

  function departmentName(code) {
    return DEPARTMENTS[code] || code;
  }

  function handoffLink(id) {
    return el('a', { href: `#/handoffs/${encodeURIComponent(id)}`, class: 'mono', text: id });
  }

  // ---- API ---------------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  // Every call that changes something sends a JSON body (an empty object when there is nothing to say): the hub
  // refuses any other body there, so a cross-site form cannot make the call. The browser adds Origin itself.
  async function api(method, path, body) {
    const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(API + path, init);
    } catch {
      throw new ApiError(0, '无法连接到服务，请检查网络后重试。');
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    if (response.ok) {
      return data;
    }
    if (response.status === 401 && path !== '/session' && path !== '/me') {
      signedOut('登录已失效，请重新登录。');
    }
    throw new ApiError(response.status, problemText(response.status, data, response.headers.get('Retry-After')));
  }

  function problemText(status, problem, retryAfter) {
    if (status === 401) {
      return '用户名或密码错误，或登录已失效。';
    }
    if (status === 429) {
      const seconds = Number.parseInt(retryAfter || '', 10);
      const wait = Number.isNaN(seconds) ? '稍后' : seconds >= 120 ? `${Math.ceil(seconds / 60)} 分钟后` : `${seconds} 秒后`;
      return `登录尝试过于频繁，或账户因多次密码错误已临时锁定，请${wait}再试。`;
    }
    if (status === 403) {
      return problem && problem.detail && state.user && !isStaff()
        ? `无权执行此操作（${problem.detail}）`
        : '无权执行此操作：需要操作员角色，只读用户仅能查看。';
    }
    const parts = [];
    if (problem && problem.errors) {
      for (const [field, messages] of Object.entries(problem.errors)) {
        parts.push(`${FIELD_LABELS[field] || field}：${[].concat(messages).join(' ')}`);
      }
    } else if (problem && (problem.detail || problem.title)) {
      parts.push(problem.detail || problem.title);
    }
    const prefix = status === 404 ? '未找到' : status === 409 ? '当前状态不允许此操作' : '请求未成功';
    return parts.length ? `${prefix}（${parts.join('；')}）` : `${prefix}（HTTP ${status}）`;
  }

  // ---- notices -----------------------------------------------------------------------------------------

  let noticeTimer = 0;

  function notify(message, tone) {
    const notice = $('notice');
    notice.textContent = message;
    notice.className = `notice notice-${tone || 'info'}`;
    notice.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { notice.hidden = true; }, tone === 'bad' ? 12000 : 6000);
  }

  function fail(error) {
    notify(error instanceof ApiError ? error.message : `页面出错：${error && error.message}`, 'bad');
  }

  // ---- session -----------------------------------------------------------------------------------------

  function isOperator() {
    return !!state.user && state.user.role === 'operator';
  }

  // Community workers and street supervisors see the suggestion pages only (issue 12).
  function isStaff() {
    return !!state.user && (state.user.role === 'operator' || state.user.role === 'viewer');
  }

  function signedIn(user) {
    state.user = user;
    $('session-user').textContent = user.user;
    $('session-role').textContent = ROLE_LABELS[user.role] || user.role;
    $('session-role').className = `role-badge role-${user.role === 'operator' ? 'operator' : 'viewer'}`;
    $('session').hidden = false;
    $('nav').hidden = false;
    for (const link of document.querySelectorAll('[data-staff]')) {
      link.hidden = !isStaff();
    }
    $('bulk-panel').hidden = !isOperator();
    route();
  }

  function signedOut(message) {
    state.user = null;
    state.detail = null;
    clearInterval(state.dashboardTimer);
    for (const dialog of document.querySelectorAll('dialog[open]')) {
      dialog.close();
    }
    $('session').hidden = true;
    $('nav').hidden = true;
    $('search-results').replaceChildren(el('p', { class: 'empty', text: '请输入条件后查询。' }));
    $('search-total').textContent = '';
    $('search-form').reset();
    show('signin');
    $('signin-password').value = '';
    const error = $('signin-error');
    error.textContent = message || '';
    error.hidden = !message;
    $('signin-user').focus();
  }

  async function signIn(event) {
    event.preventDefault();
    const user = $('signin-user').value.trim();
    const password = $('signin-password').value;
    const error = $('signin-error');
    if (!user || !password) {
      error.textContent = '请输入用户名和密码。';
      error.hidden = false;
      return;
    }
    $('signin-submit').disabled = true;
    try {
      const session = await api('POST', '/session', { user, password });
      $('signin-password').value = '';
      error.hidden = true;
      signedIn(session);
    } catch (e) {
      error.textContent = e.status === 401 ? '用户名或密码错误。' : e.message;
      error.hidden = false;
    } finally {
      $('signin-submit').disabled = false;
    }
  }

  async function signOut() {
    try {
      await api('DELETE', '/session', {});
    } catch {
      // Signed out locally either way.
    }
    location.hash = '#/dashboard';
    signedOut();
  }

  // ---- routing -----------------------------------------------------------------------------------------

  function show(view) {
    state.view = view;
    for (const section of document.querySelectorAll('.view')) {
      section.hidden = section.id !== `view-${view}`;
    }
    for (const link of document.querySelectorAll('[data-nav]')) {
      const current = link.dataset.nav === view || (view === 'detail' && link.dataset.nav === 'search')
        || (view === 'suggestion' && link.dataset.nav === 'suggestions');
      link.classList.toggle('active', current);
      if (current) {
        link.setAttribute('aria-current', 'page');
      } else {
        link.removeAttribute('aria-current');
      }
    }
  }

  function route() {
    if (!state.user) {
      return;
    }
    clearInterval(state.dashboardTimer);
    const hash = location.hash || (isStaff() ? '#/dashboard' : '#/suggestions');
    const detail = /^#\/handoffs\/(.+)$/.exec(hash);
    const suggestion = /^#\/suggestions\/(.+)$/.exec(hash);
    if (suggestion) {
      show('suggestion');
      loadSuggestion(decodeURIComponent(suggestion[1])).catch(fail);
    } else if (hash === '#/appointments') {
      show('appointments');
      loadAppointments().catch(fail);
    } else if (hash === '#/suggestions' || (!isStaff() && hash !== '#/on-time')) {
      show('suggestions');
      loadSuggestions().catch(fail);
    } else if (hash === '#/on-time') {
      show('on-time');
      loadOnTime().catch(fail);
    } else if (detail) {
      show('detail');
      loadDetail(decodeURIComponent(detail[1])).catch(fail);
    } else if (hash === '#/search') {
      show('search');
    } else if (hash === '#/unacknowledged') {
      show('unacknowledged');
      loadUnacknowledged().catch(fail);
    } else if (hash === '#/audit') {
      show('audit');
      loadAudit().catch(fail);
    } else {
      show('dashboard');
      loadDashboard().catch(fail);
      state.dashboardTimer = setInterval(() => loadDashboard().catch(() => {}), 30000);
    }
  }

  // ---- dashboard ---------------------------------------------------------------------------------------

  async function loadDashboard() {
    const dashboard = await api('GET', '/dashboard');
    if (state.view !== 'dashboard') {
      return;
    }
    const order = Object.keys(DEPARTMENTS);
    const rank = (code) => (order.includes(code) ? order.indexOf(code) : order.length);
    const departments = dashboard.departments.slice().sort((a, b) => rank(a.department) - rank(b.department));
    $('dashboard-departments').replaceChildren(...departments.map(departmentCard));
    state.hours = dashboard.hours;
    drawChart();
    $('dashboard-unacknowledged').textContent = String(dashboard.unacknowledged);
    $('dashboard-unacknowledged').classList.toggle('alert', dashboard.unacknowledged > 0);
    $('dashboard-updated').textContent = `更新于 ${formatTime(new Date())}`;
    state.onTime = await api('GET', '/suggestion-stats?weeks=8');
    drawOnTime('dashboard-on-time');
  }

  function departmentCard(department) {
    const failed = department.counts.Failed || 0;
    const head = el('div', { class: 'card-head' },
      el('h2', { text: departmentName(department.department) }, el('span', { class: 'dept-code', text: department.department })),
      department.circuitOpen ? badge('熔断中', 'bad') : badge('通道正常', 'ok'));
    const grid = el('div', { class: 'state-grid' }, STATES.map(([key, label]) => {
      const count = department.counts[key] || 0;
      // Delivered applications are a whole city's worth: they are found by a key (number, case, ID number, name), not listed.
      const listable = key !== 'Delivered';
      return el('button', {
        type: 'button',
        disabled: !listable,
        class: `state-cell tone-${STATE_TONES[key]}${count > 0 ? ' has-count' : ''}`,
        title: listable ? `查看${departmentName(department.department)}“${label}”的投递` : '已送达的申请请按申请编号、受理号、身份证号或姓名查询',
        dataset: { department: department.department, state: key },
        on: { click: () => searchFor({ department: department.department, state: key }) },
      }, el('span', { class: 'state-count', text: String(count) }), el('span', { class: 'state-label', text: label }));
    }));
    const card = el('div', { class: `card dept-card${department.circuitOpen ? ' circuit-open' : ''}`, dataset: { department: department.department } },
      head, department.name && department.name !== departmentName(department.department) ? el('p', { class: 'muted dept-name', text: department.name }) : null, grid);
    if (isOperator()) {
      card.append(el('div', { class: 'dept-actions' }, el('button', {
        type: 'button',
        class: 'btn btn-warn',
        disabled: failed === 0 || department.circuitOpen,
        title: department.circuitOpen ? '熔断期间不能重新投递' : '',
        on: { click: () => bulkReplay({ department: department.department }) },
      }, `批量重新投递（失败 ${failed} 件）`)));
    }
    return card;
  }

  // Drawn at the box's own width, so text is never stretched; redrawn when the window is resized.
  function drawChart() {
    const box = $('dashboard-chart');
    if (state.hours && box.clientWidth > 0) {
      box.replaceChildren(chart(state.hours, Math.max(480, box.clientWidth)));
    }
  }

  function chart(hours, width) {
    const height = 240;
    const left = 36;
    const right = 10;
    const top = 14;
    const bottom = 30;
    const plotW = width - left - right;
    const plotH = height - top - bottom;
    const peak = Math.max(1, ...hours.map((h) => Math.max(h.submitted, h.failed)));
    const step = niceStep(peak);
    const max = Math.ceil(peak / step) * step;
    const y = (v) => top + plotH - (v / max) * plotH;
    const slot = plotW / Math.max(1, hours.length);
    const bar = Math.max(2, slot * 0.34);

    const root = svg('svg', {
      viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', class: 'chart-svg',
      'aria-label': '近 24 小时每小时提交与失败件数',
    });
    for (let v = 0; v <= max; v += step) {
      root.append(svg('line', { x1: left, x2: width - right, y1: y(v), y2: y(v), class: v === 0 ? 'axis' : 'grid' }));
      root.append(svg('text', { x: left - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, String(v)));
    }
    hours.forEach((h, i) => {
      const at = new Date(h.hour);
      const x = left + i * slot + (slot - 2 * bar) / 2;
      const group = svg('g', { class: 'hour' },
        svg('title', {}, `${pad(at.getHours())}:00 提交 ${h.submitted} 件，失败 ${h.failed} 件`),
        svg('rect', { x: left + i * slot, y: top, width: slot, height: plotH, class: 'hover-band' }),
        svg('rect', { x, y: y(h.submitted), width: bar, height: Math.max(0, top + plotH - y(h.submitted)), class: 'bar-submitted' }),
        svg('rect', { x: x + bar, y: y(h.failed), width: bar, height: Math.max(0, top + plotH - y(h.failed)), class: 'bar-failed' }));
      root.append(group);
      if (i % 3 === 0 || i === hours.length - 1) {
        root.append(svg('text', { x: left + i * slot + slot / 2, y: height - 10, class: 'tick', 'text-anchor': 'middle' }, `${pad(at.getHours())}时`));
      }
    });
    return root;
  }

  function niceStep(peak) {
    for (const step of [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]) {
      if (peak / step <= 5) {
        return step;
      }
    }
    return Math.ceil(peak / 5);
  }

  // ---- search ------------------------------------------------------------------------------------------

  function searchFor(filters) {
    const form = $('search-form');
    form.reset();
    for (const [name, value] of Object.entries(filters)) {
      form.elements.namedItem(name).value = value;
    }
    location.hash = '#/search';
    runSearch().catch(fail);
  }

  async function runSearch() {
    const form = $('search-form');
    // Criteria go in a POST body: an ID number must never appear in a URL, where access logs would keep it.
    const criteria = {};
    for (const name of ['applicationId', 'caseNumber', 'item', 'department', 'state', 'idNumber', 'name']) {
      const value = form.elements.namedItem(name).value.trim();
      if (value) {
        criteria[name] = name === 'item' || name === 'idNumber' ? value.toUpperCase() : value;
      }
    }
    for (const name of ['from', 'to']) {
      const value = form.elements.namedItem(name).value;
      if (value) {
        criteria[name] = new Date(value).toISOString();
      }
    }
    const idNumber = criteria.idNumber;
    if (idNumber && !/^[0-9]{17}[0-9X]$/.test(idNumber)) {
      notify('身份证号须为完整的 18 位号码。', 'bad');
      return;
    }
    const results = $('search-results');
    results.replaceChildren(el('p', { class: 'empty', text: '查询中…' }));
    try {
      const list = await api('POST', '/handoffs/search', criteria);
      renderList(results, $('search-total'), list, '没有符合条件的投递。');
    } catch (e) {
      results.replaceChildren(el('p', { class: 'empty', text: '查询未成功。' }));
      throw e;
    }
  }

  function renderList(container, total, list, emptyText) {
    total.textContent = list.total > list.items.length ? `共 ${list.total} 件，显示最近 ${list.items.length} 件` : `共 ${list.total} 件`;
    if (list.items.length === 0) {
      container.replaceChildren(el('p', { class: 'empty', text: emptyText }));
      return;
    }
    const head = el('thead', {}, el('tr', {},
      ['申请编号', '事项', '部门', '投递状态', '办理状态', '部门受理号', '申请人', '提交时间', '最近更新', '失败次数'].map((t) => el('th', { text: t }))));
    const body = el('tbody', {}, list.items.map((item) => el('tr', { dataset: { applicationId: item.applicationId } },
      el('td', {}, handoffLink(item.applicationId), item.unacknowledged ? badge('超24小时未受理', 'bad') : null),
      el('td', {}, el('span', { class: 'mono', text: item.itemCode }), ' ', item.itemName),
      el('td', { text: departmentName(item.department) }),
      el('td', {}, stateBadge(item.handoff)),
      el('td', { text: STATUS_LABELS[item.status] || item.status }),
      el('td', { class: 'mono', text: item.caseNumber || '—' }),
      el('td', { text: item.applicantName }),
      el('td', { class: 'nowrap', text: formatTime(item.submittedAt) }),
      el('td', { class: 'nowrap', text: formatTime(item.updatedAt) }),
      el('td', { class: 'num', text: String(item.failedAttempts) }))));
    container.replaceChildren(el('table', { class: 'table' }, head, body));
  }

  async function bulkReplay(scope) {
    const what = scope.department ? `${departmentName(scope.department)}（${scope.department}）` : `事项 ${scope.itemCode}`;
    const confirmed = await confirmDialog('批量重新投递', `将${what}下全部“失败”的投递重新投递。每件沿用原流水号，部门不会重复立案。确定继续？`);
    if (confirmed === null) {
      return;
    }
    try {
      const result = await api('POST', '/replay', scope);
      const skipped = result.skipped.length ? `，跳过 ${result.skipped.length} 件` : '';
      notify(`已批量重新投递 ${result.replayed} 件${skipped}。`, 'ok');
      if (state.view === 'dashboard') {
        await loadDashboard();
      } else if (state.view === 'search') {
        await runSearch();
      }
    } catch (e) {
      fail(e);
    }
  }

  // ---- lists -------------------------------------------------------------------------------------------

  async function loadUnacknowledged() {
    const list = await api('GET', '/unacknowledged');
    renderList($('unacknowledged-results'), $('unacknowledged-total'), list, '目前没有超过 24 小时未受理的申请。');
  }

  // A sign-in event's target is the client address; a bulk replay's, a department; every other, an application.
  function auditTarget(entry) {
    if (entry.action.startsWith('sign-in-')) {
      return el('span', { class: 'mono', text: entry.target });
    }
    if (entry.action.startsWith('suggestion-')) {
      return el('a', { href: `#/suggestions/${encodeURIComponent(entry.target)}`, class: 'mono', text: entry.target });
    }
    if (entry.action === 'bulk-replay') {
      return el('span', { text: DEPARTMENTS[entry.target] ? `${departmentName(entry.target)}（${entry.target}）` : entry.target });
    }
    return handoffLink(entry.target);
  }

  async function loadAudit() {
    const audit = await api('GET', '/audit');
    $('audit-total').textContent = `最近 ${audit.entries.length} 条`;
    if (audit.entries.length === 0) {
      $('audit-results').replaceChildren(el('p', { class: 'empty', text: '暂无审计记录。' }));
      return;
    }
    const head = el('thead', {}, el('tr', {}, ['时间', '操作人', '角色', '操作', '对象', '原因', '详情'].map((t) => el('th', { text: t }))));
    const body = el('tbody', {}, audit.entries.map((entry) => el('tr', { dataset: { action: entry.action } },
      el('td', { class: 'nowrap', text: formatTime(entry.at) }),
      el('td', { text: entry.user }),
      el('td', { text: ROLE_LABELS[entry.role] || entry.role }),
      el('td', {}, badge(AUDIT_ACTIONS[entry.action] || entry.action, AUDIT_TONES[entry.action] || 'info')),
      el('td', {}, auditTarget(entry)),
      el('td', { text: entry.reason || '—' }),
      el('td', { class: 'detail-cell', text: entry.action === 'reveal' ? `字段：${FIELD_LABELS[entry.detail] || entry.detail}` : (entry.detail || '—') }))));
    $('audit-results').replaceChildren(el('table', { class: 'table' }, head, body));
  }

  // ---- detail ------------------------------------------------------------------------------------------

  async function loadDetail(id) {
    $('detail-title').textContent = `申请详情 ${id}`;
    $('detail-actions').hidden = true;
    $('detail-body').replaceChildren(el('p', { class: 'empty', text: '加载中…' }));
    let detail;
    try {
      detail = await api('GET', `/handoffs/${encodeURIComponent(id)}`);
    } catch (e) {
      $('detail-body').replaceChildren(el('p', { class: 'empty', text: e.message }));
      throw e;
    }
    if (state.view !== 'detail') {
      return;
    }
    state.detail = detail;
    renderActions(detail);
    $('detail-body').replaceChildren(
      el('div', { class: 'detail-grid' }, summaryCard(detail), applicantCard(detail), formCard(detail), materialsCard(detail), resultCard(detail)),
      timelineCard(detail));
  }

  function renderActions(detail) {
    const bar = $('detail-actions');
    if (!isOperator()) {
      bar.replaceChildren();
      bar.hidden = true;
      return;
    }
    const failed = detail.summary.handoff === 'Failed';
    const why = failed ? '' : '只有“失败”的投递可以重新投递或标记已处理';
    bar.replaceChildren(
      el('span', { class: 'actions-label', text: '运维操作' }),
      el('button', { type: 'button', id: 'action-replay', class: 'btn btn-primary', disabled: !failed, title: why, on: { click: () => replay(detail.summary.applicationId) } }, '重新投递'),
      el('button', { type: 'button', id: 'action-resolve', class: 'btn', disabled: !failed, title: why, on: { click: () => resolve(detail.summary.applicationId) } }, '标记已处理'),
      el('button', {
        type: 'button', id: 'action-reveal', class: 'btn btn-ghost-dark', disabled: revealable(detail).length === 0,
        title: detail.erasedAt ? '个人信息已按保存期限删除' : '', on: { click: () => openReveal(detail) },
      }, '查看完整信息'));
    bar.hidden = false;
  }

  function facts(rows) {
    return el('dl', { class: 'facts' }, rows.filter(Boolean).map(([term, value]) => [
      el('dt', { text: term }),
      el('dd', {}, value instanceof Node ? value : el('span', { text: value === null || value === undefined || value === '' ? '—' : String(value) })),
    ]));
  }

  function summaryCard(detail) {
    const s = detail.summary;
    return el('div', { class: 'card' }, el('h2', { text: '申请概要' }), facts([
      ['申请编号', el('span', { class: 'mono', text: s.applicationId })],
      ['事项', `${s.itemCode} ${s.itemName}`],
      ['部门', `${departmentName(s.department)}（${s.department}）`],
      ['投递状态', stateBadge(s.handoff)],
      ['办理状态', STATUS_LABELS[s.status] || s.status],
      ['部门受理号', el('span', { class: 'mono', text: s.caseNumber || '—' })],
      ['提交时间', formatTime(s.submittedAt)],
      ['最近更新', formatTime(s.updatedAt)],
      ['失败次数', String(s.failedAttempts)],
      s.unacknowledged ? ['24 小时规则', badge('超过 24 小时未受理', 'bad')] : null,
      detail.reason ? ['部门意见', detail.reason] : null,
      ['追踪上下文', el('span', { class: 'mono small', text: detail.traceParent || '—' })],
    ]));
  }

  function applicantCard(detail) {
    return el('div', { class: 'card' }, el('h2', {}, '申请人', el('span', { class: 'masked-note', text: '已脱敏' })), facts([
      ['姓名', el('span', { class: 'masked', dataset: { field: 'name' }, text: detail.summary.applicantName })],
      ['身份证号', el('span', { class: 'masked mono', dataset: { field: 'idNumber' }, text: detail.applicantIdNumber || '—' })],
      ['手机号', el('span', { class: 'masked mono', dataset: { field: 'phone' }, text: detail.applicantPhone || '—' })],
      detail.erasedAt ? ['个人信息', el('span', { id: 'erased-note', text: `已于 ${formatTime(detail.erasedAt)} 按保存期限删除，仅保留脱敏的时间线` })] : null,
    ]));
  }

  // The department's result as the server masked it by the department's declaration (e.g. 房管 certificate numbers, addresses).
  function resultCard(detail) {
    const result = detail.result;
    if (!result || typeof result !== 'object' || Object.keys(result).length === 0) {
      return null;
    }
    return el('div', { class: 'card', id: 'result-card' }, el('h2', {}, '办理结果', el('span', { class: 'masked-note', text: '已脱敏' })),
      facts(Object.entries(result).map(([key, value]) => [key,
        typeof value === 'object' && value !== null
          ? el('pre', { class: 'inline-json', text: JSON.stringify(value, null, 2) })
          : String(value)])));
  }

  function revealable(detail) {
    return Array.isArray(detail.revealable) ? detail.revealable : [];
  }

  // Each field under its schema title, a code with its meaning, both from the item's form schema in the catalog.
  function formCard(detail) {
    const fields = Array.isArray(detail.formFields) ? detail.formFields : [];
    const content = fields.length > 0
      ? el('dl', { class: 'facts form-fields', id: 'form-fields' }, fields.map((f) => [
        el('dt', { text: f.title, title: f.field }),
        el('dd', { dataset: { field: f.field } }, f.meaning
          ? [el('span', { class: 'field-meaning', text: f.meaning }), el('span', { class: 'field-code mono', text: `代码 ${f.value}` })]
          : el('span', { class: 'field-value', text: f.value === null || f.value === undefined || f.value === '' ? '—' : f.value })),
      ]))
      : el('p', { class: 'empty', text: '无表单内容。' });
    return el('div', { class: 'card' }, el('h2', {}, '申请表单', el('span', { class: 'masked-note', text: '已脱敏' })), content);
  }

  // Issue 11: the materials by name, type and size (never their content), and what a department's 补正 asked for.
  function materialsCard(detail) {
    const materials = Array.isArray(detail.materials) ? detail.materials : [];
    const supplement = detail.supplement;
    if (materials.length === 0 && !supplement) {
      return null;
    }
    const sizeText = (bytes) => bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
    return el('div', { class: 'card', id: 'materials-card' }, el('h2', { text: '申请材料' }),
      materials.length > 0
        ? el('table', { class: 'calls-table', id: 'materials' },
          el('thead', {}, el('tr', {}, ['材料', '类型', '大小', '来源', '部门'].map((h) => el('th', { text: h })))),
          el('tbody', {}, materials.map((m) => el('tr', { class: 'material', dataset: { code: m.code } },
            el('td', { text: m.name, title: m.code }),
            el('td', { class: 'mono small', text: m.mediaType }),
            el('td', { text: sizeText(m.size) }),
            el('td', { text: m.supplement ? '补正' : '申请' }),
            el('td', { text: m.delivered ? '已上传' : '未上传' })))))
        : el('p', { class: 'empty', text: '无电子材料。' }),
      supplement ? el('p', { class: 'supplement', id: 'supplement-wanted' },
        `部门要求补正：${supplement.materials.length ? supplement.materials.map((m) => m.name).join('、') : '（未列材料）'}`,
        supplement.note ? `；说明：${supplement.note}` : '',
        supplement.answered ? '（申请人已补正）' : '（等待申请人补正）') : null);
  }

  function timelineCard(detail) {
    const entries = detail.timeline.slice().sort((a, b) => a.sequence - b.sequence);
    const attempts = entries.filter((e) => e.kind === 'attempt').length;
    const unwritten = detail.unwrittenCalls || [];
    const calls = entries.reduce((sum, e) => sum + (e.callCount || 0), 0) + callCount(unwritten);
    return el('div', { class: 'card timeline-card' },
      el('div', { class: 'card-head' }, el('h2', { text: '完整时间线' }),
        el('span', { class: 'muted', id: 'timeline-counts', dataset: { calls: String(calls) }, text: `共 ${entries.length} 条记录，其中投递尝试 ${attempts} 次，部门共收到请求 ${calls} 次` })),
      el('ol', { class: 'timeline', id: 'timeline' }, entries.map(timelineEntry), unwritten.length ? unwrittenEntry(unwritten) : null));
  }

  function callCount(calls) {
    return calls.reduce((sum, c) => sum + (c.count || 1), 0);
  }

  // Status queries that brought nothing new wait on the follow-up row until the next entry is written: shown last.
  function unwrittenEntry(calls) {
    return el('li', { class: 'entry tone-info', dataset: { kind: 'calls-unwritten' } },
      el('span', { class: 'entry-dot', 'aria-hidden': 'true' }),
      el('div', { class: 'entry-body' },
        el('div', { class: 'entry-head' },
          el('span', { class: 'entry-seq', text: '—' }),
          el('span', { class: 'entry-kind', text: UNWRITTEN_CALLS })),
        el('p', { class: 'entry-summary', text: '无新进展的状态查询，将并入下一条时间线记录。' }),
        callsTable(calls)));
  }

  // Every request the department received for this step: each attempt inside the client, token requests, and status
  // queries folded by answer (×N, first and last time).
  function callsTable(calls) {
    const total = callCount(calls);
    return el('div', { class: 'calls' },
      el('div', { class: 'calls-head', text: `部门收到请求 ${total} 次` }),
      el('table', { class: 'calls-table' },
        el('thead', {}, el('tr', {}, ['时间', '请求', 'HTTP', '应答码', '耗时', '次数'].map((h) => el('th', { text: h })))),
        el('tbody', {}, calls.map((c) => el('tr', {
          class: 'call',
          dataset: { count: String(c.count || 1), httpStatus: c.httpStatus === undefined || c.httpStatus === null ? '' : String(c.httpStatus), code: c.code || '' },
        },
        el('td', { class: 'call-time', text: c.lastAt ? `${formatTime(c.at)} 至 ${formatTime(c.lastAt)}` : formatTime(c.at) }),
        el('td', { class: 'mono small', text: c.request }),
        el('td', { class: 'mono', text: c.httpStatus === undefined || c.httpStatus === null ? '无应答' : String(c.httpStatus) }),
        el('td', { class: 'mono', text: c.code || '—' }),
        el('td', { text: (c.count || 1) > 1 ? `最长 ${c.durationMs} 毫秒` : `${c.durationMs} 毫秒` }),
        el('td', { text: `×${c.count || 1}` }))))));
  }

  function timelineEntry(entry) {
    const tone = entry.kind === 'attempt' ? OUTCOME_TONES[entry.outcome] || 'info'
      : entry.kind === 'handoff-failed' ? 'bad'
        : entry.kind === 'resolved' || entry.kind === 'replay-requested' ? 'operator' : 'info';
    const head = el('div', { class: 'entry-head' },
      el('span', { class: 'entry-seq', text: `#${entry.sequence}` }),
      el('span', { class: 'entry-kind', text: entry.title || entry.kind }),
      entry.outcome ? badge(entry.outcomeLabel || entry.outcome, OUTCOME_TONES[entry.outcome] || 'muted') : null,
      entry.status ? badge(entry.statusLabel || entry.status, 'info') : null,
      entry.durationMs !== undefined && entry.durationMs !== null ? el('span', { class: 'entry-duration', text: `耗时 ${entry.durationMs} 毫秒` }) : null,
      el('time', { class: 'entry-time', datetime: entry.at, text: formatTime(entry.at) }));
    const meta = [
      entry.departmentCode ? ['部门应答码', el('span', { class: 'mono', text: entry.departmentCode })] : null,
      entry.departmentMessage ? ['部门应答信息', entry.departmentMessage] : null,
      entry.caseNumber ? ['部门受理号', el('span', { class: 'mono', text: entry.caseNumber })] : null,
      // The trace view (the local run's Aspire dashboard) opens beside the portal; the id is shown either way.
      entry.traceId ? ['追踪编号', entry.traceUrl
        ? el('a', { class: 'mono small trace-link', href: entry.traceUrl, target: '_blank', rel: 'noopener noreferrer', text: entry.traceId })
        : el('span', { class: 'mono small', text: entry.traceId })] : null,
      entry.actor ? ['操作人', entry.actor] : null,
    ].filter(Boolean);
    const payloads = [
      entry.requestPayload ? payload('请求报文（已脱敏）', entry.requestPayload) : null,
      entry.responsePayload ? payload('应答报文（已脱敏）', entry.responsePayload) : null,
    ].filter(Boolean);
    return el('li', { class: `entry tone-${tone}`, dataset: { kind: entry.kind, sequence: String(entry.sequence) } },
      el('span', { class: 'entry-dot', 'aria-hidden': 'true' }),
      el('div', { class: 'entry-body' },
        head,
        el('p', { class: 'entry-summary', text: entry.text || entry.summary }),
        meta.length ? facts(meta) : null,
        entry.calls && entry.calls.length ? callsTable(entry.calls) : null,
        payloads.length ? el('div', { class: 'payloads' }, payloads) : null));
  }

  function payload(title, text) {
    return el('details', { class: 'payload' },
      el('summary', { text: title }),
      el('pre', { class: 'payload-text', text: prettyPayload(text) }));
  }

  function prettyPayload(text) {
    const trimmed = text.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return JSON.stringify(JSON.parse(trimmed), null, 2);
      } catch {
        return text;
      }
    }
    if (trimmed.startsWith('<')) {
      return prettyXml(trimmed);
    }
    return text;
  }

  function prettyXml(xml) {
    let depth = 0;
    return xml.replace(/>\s*</g, '>\n<').split('\n').map((line) => {
      const closing = /^<\//.test(line);
      const selfContained = /^<[^!?/][^>]*>.*<\/[^>]+>$/.test(line) || /\/>$/.test(line) || /^<[?!]/.test(line);
      if (closing) {
        depth = Math.max(0, depth - 1);
      }
      const out = '  '.repeat(depth) + line;
      if (!closing && !selfContained && /^<[^/]/.test(line)) {
        depth++;
      }
      return out;
    }).join('\n');
  }

  // ---- actions -----------------------------------------------------------------------------------------

  async function replay(id) {
    const confirmed = await confirmDialog('重新投递', `将申请 ${id} 重新投递给部门。沿用原流水号，部门不会重复立案；操作将记入审计日志。确定继续？`);
    if (confirmed === null) {
      return;
    }
    try {
      await api('POST', `/handoffs/${encodeURIComponent(id)}/replay`, {});
      notify('已提交重新投递，稍后刷新查看结果。', 'ok');
      await loadDetail(id);
    } catch (e) {
      fail(e);
    }
  }

  async function resolve(id) {
    const reason = await confirmDialog('标记已处理', `将申请 ${id} 的失败投递标记为已处理（不再投递）。请说明原因，操作将记入审计日志。`, true);
    if (reason === null) {
      return;
    }
    try {
      await api('POST', `/handoffs/${encodeURIComponent(id)}/resolve`, { reason });
      notify('已标记为已处理。', 'ok');
      await loadDetail(id);
    } catch (e) {
      fail(e);
    }
  }

  let confirmResolve = null;

  // Resolves with the reason (or '' when none is asked) on 确定, with null on 取消 or Esc.
  function confirmDialog(title, message, askReason) {
    const dialog = $('confirm-dialog');
    $('confirm-title').textContent = title;
    $('confirm-message').textContent = message;
    $('confirm-reason-field').hidden = !askReason;
    $('confirm-reason').value = '';
    $('confirm-error').hidden = true;
    dialog.dataset.askReason = askReason ? 'true' : 'false';
    return new Promise((resolveDialog) => {
      confirmResolve = resolveDialog;
      dialog.showModal();
      (askReason ? $('confirm-reason') : $('confirm-ok')).focus();
    });
  }

  function closeConfirm(value) {
    const done = confirmResolve;
    confirmResolve = null;
    if ($('confirm-dialog').open) {
      $('confirm-dialog').close();
    }
    if (done) {
      done(value);
    }
  }

  function submitConfirm(event) {
    event.preventDefault();
    if ($('confirm-dialog').dataset.askReason === 'true') {
      const reason = $('confirm-reason').value.trim();
      if (reason.length < 2) {
        $('confirm-error').textContent = '请填写原因（至少 2 个字）。';
        $('confirm-error').hidden = false;
        return;
      }
      closeConfirm(reason);
    } else {
      closeConfirm('');
    }
  }

  // The fields offered are the application's own personal fields, as the server lists them (applicant, form, result).
  function openReveal(detail) {
    const dialog = $('reveal-dialog');
    dialog.dataset.applicationId = detail.summary.applicationId;
    $('reveal-field').replaceChildren(...revealable(detail).map((f) => el('option', { value: f.field, text: f.label })));
    $('reveal-reason').value = '';
    $('reveal-error').hidden = true;
    clearReveal();
    dialog.showModal();
    $('reveal-reason').focus();
  }

  function clearReveal() {
    $('reveal-value').textContent = '';
    $('reveal-result-label').textContent = '';
    $('reveal-result').hidden = true;
  }

  async function submitReveal(event) {
    event.preventDefault();
    const id = $('reveal-dialog').dataset.applicationId;
    const field = $('reveal-field').value;
    const reason = $('reveal-reason').value.trim();
    const error = $('reveal-error');
    clearReveal();
    if (reason.length < 2) {
      error.textContent = '请填写查看原因（至少 2 个字）。';
      error.hidden = false;
      return;
    }
    error.hidden = true;
    $('reveal-submit').disabled = true;
    try {
      const revealed = await api('POST', `/handoffs/${encodeURIComponent(id)}/reveal`, { field, reason });
      if (!$('reveal-dialog').open) {
        return;
      }
      const offered = [...$('reveal-field').options].find((o) => o.value === revealed.field);
      $('reveal-result-label').textContent = `${offered ? offered.textContent : FIELD_LABELS[revealed.field] || revealed.field}：`;
      $('reveal-value').textContent = revealed.value;
      $('reveal-result').hidden = false;
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
    } finally {
      $('reveal-submit').disabled = false;
    }
  }

  // ---- suggestions (issue 12) --------------------------------------------------------------------------

  const SUGGESTION_STATUS = {
    Submitted: '待受理', Accepted: '已受理', InProgress: '办理中', Resolved: '已反馈结果', Transferred: '已转办', Reopened: '重新办理', Closed: '已办结',
  };
  const SUGGESTION_STEPS = {
    submitted: '居民提交', accepted: '受理', progress: '进展反馈', resolved: '结果反馈', transferred: '转办', rated: '居民评价',
    'deadline-warning': '20 小时预警', 'deadline-breached': '24 小时超时', erased: '个人信息删除',
  };
  const STEP_BUTTONS = [['accepted', '受理', 'btn-primary'], ['progress', '进展反馈', ''], ['resolved', '结果反馈', 'btn-primary'], ['transferred', '转办', 'btn-warn']];

  function timeLeft(item) {
    if (!item.clockRunning) {
      return item.onTime === false ? badge('超时后已反馈', 'bad') : badge('已按时反馈', 'ok');
    }
    const seconds = item.secondsLeft;
    const abs = Math.abs(seconds);
    const text = `${Math.floor(abs / 3600)} 小时 ${Math.floor((abs % 3600) / 60)} 分`;
    return seconds < 0 ? badge(`已超时 ${text}`, 'bad') : badge(`剩 ${text}`, item.warned ? 'warn' : 'info');
  }

  function suggestionLink(id) {
    return el('a', { href: `#/suggestions/${encodeURIComponent(id)}`, class: 'mono', text: id.slice(0, 12) });
  }

  async function loadSuggestions() {
    const all = $('suggestions-all').checked;
    const list = await api('GET', `/suggestions${all ? '?state=all' : ''}`);
    if (state.view !== 'suggestions') {
      return;
    }
    const scope = list.scope === 'community' ? `${list.scopeName} 待办队列` : list.scope === 'street' ? `${list.scopeName} 各社区（超时优先）` : '全部社区';
    $('suggestions-title').textContent = `社区建议 · ${list.scopeName}`;
    $('suggestions-scope').textContent = `${scope}（按剩余时间排序）`;
    $('suggestions-total').textContent = `共 ${list.total} 件`;
    if (list.items.length === 0) {
      $('suggestions-results').replaceChildren(el('p', { class: 'empty', text: '目前没有待办的建议。' }));
      return;
    }
    const head = el('thead', {}, el('tr', {}, ['编号', '剩余时间', '社区', '类别', '状态', '提交时间', '居民', '照片', '受理人'].map((t) => el('th', { text: t }))));
    const body = el('tbody', {}, list.items.map((item) => el('tr', {
      class: item.breached ? 'row-breached' : '',
      dataset: { suggestionId: item.suggestionId, breached: String(item.breached), community: item.community },
    },
    el('td', {}, suggestionLink(item.suggestionId)),
    el('td', {}, timeLeft(item), item.breached ? badge('已上报街道', 'bad') : null),
    el('td', { text: item.communityName }),
    el('td', { text: item.category }),
    el('td', { text: SUGGESTION_STATUS[item.status] || item.status }),
    el('td', { class: 'nowrap', text: formatTime(item.submittedAt) }),
    el('td', { text: `${item.contactName || ''} ${item.contactPhone}`.trim() }),
    el('td', { class: 'num', text: String(item.photos) }),
    el('td', { text: item.acceptedBy || '—' }))));
    $('suggestions-results').replaceChildren(el('table', { class: 'table', id: 'suggestion-list' }, head, body));
  }

  async function loadSuggestion(id) {
    $('suggestion-title').textContent = '建议详情';
    $('suggestion-actions').hidden = true;
    $('suggestion-body').replaceChildren(el('p', { class: 'empty', text: '加载中…' }));
    let detail;
    try {
      detail = await api('GET', `/suggestions/${encodeURIComponent(id)}`);
    } catch (e) {
      $('suggestion-body').replaceChildren(el('p', { class: 'empty', text: e.message }));
      throw e;
    }
    if (state.view !== 'suggestion') {
      return;
    }
    state.suggestion = detail;
    renderSuggestion(detail);
  }

  function renderSuggestion(detail) {
    const view = detail.view;
    const summary = detail.summary;
    $('suggestion-title').textContent = `建议详情 · ${view.communityName} · ${view.category}`;
    const buttons = STEP_BUTTONS.filter(([step]) => detail.allowedSteps.includes(step)).map(([step, label, tone]) => el('button', {
      type: 'button', id: `step-${step}`, class: `btn ${tone}`, on: { click: () => takeStep(view.suggestionId, step) },
    }, label));
    $('suggestion-buttons').replaceChildren(...buttons);
    $('suggestion-actions').hidden = buttons.length === 0;
    const clock = view.clock;
    const status = el('span', { id: 'suggestion-status', dataset: { status: view.status } }, badge(SUGGESTION_STATUS[view.status] || view.status, view.status === 'Closed' ? 'muted' : 'info'));
    const overview = el('div', { class: 'card' }, el('h2', { text: '概况' }), facts([
      ['状态', status],
      ['24 小时时限', el('span', {}, timeLeft(summary), clock.warned ? badge('已预警', 'warn') : null, clock.breached ? badge('已超时并上报街道主管', 'bad') : null)],
      ['截止时间', formatTime(clock.dueAt)],
      ['首次反馈', clock.stoppedAt ? formatTime(clock.stoppedAt) : '—'],
      ['社区', `${view.communityName}（${summary.street}）`],
      ['提交时间', formatTime(view.submittedAt)],
      view.rating ? ['居民评价', view.rating] : null,
    ]));
    const contactValue = el('span', { class: 'masked mono', id: 'suggestion-contact', text: `${view.contactName || ''} ${view.contactPhone}`.trim() });
    const content = el('div', { class: 'card' }, el('h2', {}, '居民反映', el('span', { class: 'masked-note', text: '联系方式已脱敏' })), facts([
      ['内容', el('p', { class: 'suggestion-text', id: 'suggestion-text', text: view.erasedAt ? `已于 ${formatTime(view.erasedAt)} 按保存期限删除` : view.text })],
      view.address ? ['地点', view.address] : null,
      view.location ? ['位置', `${view.location.latitude.toFixed(5)}, ${view.location.longitude.toFixed(5)}`] : null,
      ['联系方式', el('span', {}, contactValue, detail.canReveal ? el('button', {
        type: 'button', id: 'suggestion-reveal', class: 'btn btn-small', on: { click: () => revealContact(view.suggestionId, contactValue) },
      }, '查看电话') : null)],
    ]));
    const photos = el('div', { class: 'card' }, el('h2', { text: `照片（${view.photos.length} 张，链接 ${view.photos.length ? formatTime(view.photos[0].expiresAt) : ''} 前有效）` }),
      view.photos.length === 0 ? el('p', { class: 'empty', text: '无照片。' })
        : el('div', { class: 'photo-grid', id: 'suggestion-photos' }, view.photos.map((p) => el('a', { href: p.url, target: '_blank', rel: 'noopener' },
          el('img', { src: p.url, alt: `照片 ${p.index + 1}`, width: 240, loading: 'lazy', class: 'photo' })))));
    const timeline = el('div', { class: 'card timeline-card' }, el('h2', { text: '完整时间线' }),
      el('ol', { class: 'timeline', id: 'suggestion-timeline' }, view.timeline.map((step) => el('li', {
        class: `entry tone-${step.step === 'deadline-breached' ? 'bad' : step.step === 'deadline-warning' ? 'warn' : step.actor ? 'operator' : 'info'}`,
        dataset: { step: step.step, sequence: String(step.sequence) },
      },
      el('span', { class: 'entry-dot', 'aria-hidden': 'true' }),
      el('div', { class: 'entry-body' },
        el('div', { class: 'entry-head' },
          el('span', { class: 'entry-seq', text: `#${step.sequence}` }),
          el('span', { class: 'entry-kind', text: SUGGESTION_STEPS[step.step] || step.step }),
          badge(SUGGESTION_STATUS[step.status] || step.status, 'info'),
          el('time', { class: 'entry-time', datetime: step.at, text: formatTime(step.at) })),
        el('p', { class: 'entry-summary', text: step.summary }),
        step.note ? el('p', { class: 'entry-note', text: step.note }) : null)))));
    $('suggestion-body').replaceChildren(el('div', { class: 'detail-grid' }, overview, content, photos), timeline);
  }

  async function takeStep(id, step) {
    const note = $('suggestion-note').value.trim();
    const department = $('suggestion-department').value.trim();
    if (step !== 'accepted' && note.length < 2) {
      notify('请填写反馈内容（至少 2 个字）。', 'bad');
      $('suggestion-note').focus();
      return;
    }
    if (step === 'transferred' && department.length < 2) {
      notify('转办须填写接收部门。', 'bad');
      $('suggestion-department').focus();
      return;
    }
    try {
      const detail = await api('POST', `/suggestions/${encodeURIComponent(id)}/steps`, { step, note: step === 'accepted' ? null : note, department: step === 'transferred' ? department : null });
      $('suggestion-note').value = '';
      $('suggestion-department').value = '';
      notify(`已${SUGGESTION_STEPS[step]}，已通知平台。`, 'ok');
      state.suggestion = detail;
      renderSuggestion(detail);
    } catch (e) {
      fail(e);
    }
  }

  async function revealContact(id, target) {
    const reason = await confirmDialog('查看居民联系方式', '查看未脱敏的电话须说明原因，本次查看将记入审计日志。', true);
    if (reason === null) {
      return;
    }
    try {
      const revealed = await api('POST', `/suggestions/${encodeURIComponent(id)}/reveal`, { field: 'phone', reason });
      target.textContent = revealed.value;
      target.classList.remove('masked');
    } catch (e) {
      fail(e);
    }
  }

  async function loadOnTime() {
    const stats = await api('GET', '/suggestion-stats?weeks=8');
    if (state.view !== 'on-time') {
      return;
    }
    state.onTime = stats;
    $('on-time-legend').replaceChildren(...stats.communities.map((c, i) => el('span', { class: 'legend-item' },
      el('span', { class: `swatch series-${i % 6}` }), c.name)));
    drawOnTime('on-time-chart');
    const head = el('thead', {}, el('tr', {}, el('th', { text: '社区' }), stats.weeks.map((w) => el('th', { text: `${w.slice(5)} 周` }))));
    const body = el('tbody', {}, stats.communities.map((c) => el('tr', { dataset: { community: c.community } },
      el('td', { text: c.name }),
      c.weeks.map((w) => el('td', { class: 'num', dataset: { week: w.weekStart, rate: w.rate === undefined || w.rate === null ? '' : String(w.rate) },
        text: w.due === 0 ? (w.submitted ? `${w.submitted} 件计时中` : '—') : `${Math.round(w.rate * 100)}%（${w.onTime}/${w.due}）` })))));
    $('on-time-table').replaceChildren(el('table', { class: 'table', id: 'on-time-rates' }, head, body));
  }

  function drawOnTime(boxId) {
    const box = $(boxId);
    const stats = state.onTime;
    if (!stats || box.clientWidth <= 0) {
      return;
    }
    const width = Math.max(480, box.clientWidth);
    const height = 260;
    const left = 44;
    const right = 10;
    const top = 14;
    const bottom = 30;
    const plotW = width - left - right;
    const plotH = height - top - bottom;
    const y = (rate) => top + plotH - rate * plotH;
    const slot = plotW / Math.max(1, stats.weeks.length);
    const count = Math.max(1, stats.communities.length);
    const bar = Math.max(2, (slot * 0.7) / count);
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', class: 'chart-svg', id: `${boxId}-svg`, 'aria-label': '各社区每周 24 小时内受理并反馈的比例' });
    for (const v of [0, 0.25, 0.5, 0.75, 1]) {
      root.append(svg('line', { x1: left, x2: width - right, y1: y(v), y2: y(v), class: v === 0 ? 'axis' : 'grid' }));
      root.append(svg('text', { x: left - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, `${v * 100}%`));
    }
    stats.weeks.forEach((week, i) => {
      const x0 = left + i * slot + (slot - bar * count) / 2;
      stats.communities.forEach((c, j) => {
        const w = c.weeks[i];
        if (w.rate === undefined || w.rate === null) {
          return;
        }
        root.append(svg('rect', {
          x: x0 + j * bar, y: y(w.rate), width: bar, height: Math.max(1, top + plotH - y(w.rate)), class: `bar-on-time series-${j % 6}`,
          'data-community': c.community, 'data-week': week, 'data-rate': String(w.rate),
        }, svg('title', {}, `${c.name} ${week} 周：${Math.round(w.rate * 100)}%（${w.onTime}/${w.due}）`)));
      });
      root.append(svg('text', { x: left + i * slot + slot / 2, y: height - 10, class: 'tick', 'text-anchor': 'middle' }, week.slice(5)));
    });
    box.replaceChildren(root);
  }

  // ---- appointments (issue 13) -------------------------------------------------------------------------

  const APPOINTMENT_STATUS = { Booked: '已预约', Arrived: '已到场', Done: '已办结', NoShow: '未到', Cancelled: '已取消' };
  const APPOINTMENT_TONES = { Booked: 'info', Arrived: 'warn', Done: 'ok', NoShow: 'bad', Cancelled: 'muted' };
  const OUTCOMES = { arrived: '到场', done: '办结', 'no-show': '未到' };

  // Slot times come as +08:00 (the hall's local time): shown as written, whatever the browser's zone.
  function hallTime(value) {
    return String(value).slice(11, 16);
  }

  async function loadAppointments() {
    const view = await api('GET', '/appointments');
    if (state.view !== 'appointments') {
      return;
    }
    $('appointments-title').textContent = `预约到访 · ${view.scopeName}`;
    const checklists = new Map(view.checklists.map((c) => [c.itemCode, c]));
    $('appointments-body').replaceChildren(...view.days.map((day, i) => el('div', { class: 'card appointment-day', dataset: { date: day.date } },
      el('div', { class: 'card-head' }, el('h2', { text: `${i === 0 ? '今天' : '明天'} · ${day.date}` })),
      day.halls.map((hall) => hallDay(hall, checklists, view.canMark)))));
  }

  function hallDay(hall, checklists, canMark) {
    const head = el('h3', { text: `${hall.communityName} · ${hall.address}` });
    const note = hall.note ? el('p', { class: 'muted', text: hall.note }) : null;
    if (hall.slots.length === 0) {
      return el('div', { class: 'hall-day', dataset: { community: hall.community } }, head, note, el('p', { class: 'empty', text: '当天不开放。' }));
    }
    const rows = hall.slots.map((slot) => el('tr', { dataset: { slot: slot.slotId } },
      el('td', { class: 'mono', text: `${hallTime(slot.start)}–${hallTime(slot.end)}` }),
      el('td', { class: 'num', text: `${slot.booked} / ${slot.capacity}` }),
      el('td', {}, slot.bookings.length === 0
        ? el('span', { class: 'muted', text: '—' })
        : el('ul', { class: 'bookings' }, slot.bookings.map((b) => bookingItem(b, checklists, canMark))))));
    return el('div', { class: 'hall-day', dataset: { community: hall.community } }, head, note,
      el('div', { class: 'table-wrap' }, el('table', { class: 'table appointment-slots' },
        el('thead', {}, el('tr', {}, el('th', { text: '时段' }), el('th', { text: '已约 / 窗口' }), el('th', { text: '预约' }))),
        el('tbody', {}, rows))));
  }

  function bookingItem(b, checklists, canMark) {
    const checklist = checklists.get(b.itemCode);
    const buttons = canMark ? b.allowedOutcomes.map((o) => el('button', {
      type: 'button', class: `btn btn-small${o === 'no-show' ? ' btn-warn' : ''}`, dataset: { outcome: o },
      on: { click: () => markAppointment(b.appointmentId, o) }, text: OUTCOMES[o] || o,
    })) : [];
    return el('li', { class: 'booking', dataset: { appointmentId: b.appointmentId, status: b.status } },
      el('div', { class: 'booking-head' },
        badge(APPOINTMENT_STATUS[b.status] || b.status, APPOINTMENT_TONES[b.status]),
        el('span', { class: 'booking-item', text: checklist ? `${checklist.itemName}（${b.itemCode}）` : b.itemCode }),
        el('span', { class: 'masked mono booking-resident', text: `${b.residentName} ${b.residentPhone} ${b.residentIdNumber}` }),
        b.markedBy ? el('span', { class: 'muted', text: `登记：${b.markedBy}` }) : null,
        buttons.length ? el('span', { class: 'booking-actions' }, buttons) : null),
      checklist && checklist.materials.length ? el('details', { class: 'checklist' },
        el('summary', { text: `材料清单（${checklist.materials.length} 项）` }),
        el('ul', {}, checklist.materials.map((m) => el('li', {
          text: `${m.name}：${m.form} ${m.count} 份${m.required ? '' : '（非必需）'}${m.note ? `；${m.note}` : ''}`,
        })))) : null);
  }

  async function markAppointment(id, outcome) {
    try {
      await api('POST', `/appointments/${encodeURIComponent(id)}/outcome`, { outcome });
      notify(`已登记：${OUTCOMES[outcome]}`, 'ok');
    } catch (e) {
      notify(e.message, 'bad');
    }
    await loadAppointments();
  }

  // ---- start -------------------------------------------------------------------------------------------

  function wire() {
    $('signin-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', signOut);
    $('dashboard-refresh').addEventListener('click', () => loadDashboard().catch(fail));
    $('unacknowledged-refresh').addEventListener('click', () => loadUnacknowledged().catch(fail));
    $('audit-refresh').addEventListener('click', () => loadAudit().catch(fail));
    $('suggestions-refresh').addEventListener('click', () => loadSuggestions().catch(fail));
    $('suggestions-all').addEventListener('change', () => loadSuggestions().catch(fail));
    $('suggestion-refresh').addEventListener('click', () => state.suggestion && loadSuggestion(state.suggestion.summary.suggestionId).catch(fail));
    $('suggestion-form').addEventListener('submit', (event) => event.preventDefault());
    $('on-time-refresh').addEventListener('click', () => loadOnTime().catch(fail));
    $('appointments-refresh').addEventListener('click', () => loadAppointments().catch(fail));
    $('detail-refresh').addEventListener('click', () => state.detail && loadDetail(state.detail.summary.applicationId).catch(fail));
    $('search-form').addEventListener('submit', (event) => {
      event.preventDefault();
      runSearch().catch(fail);
    });
    $('search-form').addEventListener('reset', () => {
      $('search-results').replaceChildren(el('p', { class: 'empty', text: '请输入条件后查询。' }));
      $('search-total').textContent = '';
    });
    const bulk = $('bulk-form');
    bulk.elements.namedItem('scope').addEventListener('change', () => {
      const scope = bulk.elements.namedItem('scope').value;
      for (const field of bulk.querySelectorAll('[data-scope]')) {
        field.hidden = field.dataset.scope !== scope;
      }
    });
    bulk.addEventListener('submit', (event) => {
      event.preventDefault();
      const scope = bulk.elements.namedItem('scope').value;
      if (scope === 'department') {
        bulkReplay({ department: bulk.elements.namedItem('department').value });
      } else {
        const itemCode = bulk.elements.namedItem('itemCode').value.trim().toUpperCase();
        if (!itemCode) {
          notify('请填写事项编码。', 'bad');
          return;
        }
        bulkReplay({ itemCode });
      }
    });
    $('confirm-form').addEventListener('submit', submitConfirm);
    $('confirm-cancel').addEventListener('click', () => closeConfirm(null));
    $('confirm-dialog').addEventListener('close', () => closeConfirm(null));
    $('reveal-form').addEventListener('submit', submitReveal);
    // The unmasked value lives only while the dialog is open: cleared before 关闭 returns, and on Esc.
    $('reveal-close').addEventListener('click', () => {
      clearReveal();
      $('reveal-dialog').close();
    });
    $('reveal-dialog').addEventListener('close', clearReveal);
    window.addEventListener('hashchange', route);
    let resizeTimer = 0;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        if (state.view === 'dashboard') {
          drawChart();
          drawOnTime('dashboard-on-time');
        } else if (state.view === 'on-time') {
          drawOnTime('on-time-chart');
        }
      }, 150);
    });
  }

  async function start() {
    wire();
    try {
      const me = await api('GET', '/me');
      signedIn(me);
    } catch {
      signedOut();
    }
  }

  start();
}());
