using IntegrationHub.Appointments;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace IntegrationHub.Functions;

/// <summary>Issue 13: a hall's slots, booking a visit, the worker's day view, and the reminders' timer.</summary>
internal sealed class AppointmentFunctions(AppointmentsApi appointments, AppointmentPortalApi portal, AppointmentService service)
{
    [Function(nameof(ListSlots))]
    public async Task<IActionResult> ListSlots(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.CommunitySlots)] HttpRequest request, string code) =>
        new ResultAction(await appointments.SlotsAsync(request, code, request.HttpContext.RequestAborted));

    [Function(nameof(BookAppointment))]
    public async Task<IActionResult> BookAppointment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.Appointments)] HttpRequest request) =>
        new ResultAction(await appointments.BookAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(GetAppointment))]
    public async Task<IActionResult> GetAppointment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.Appointment)] HttpRequest request, string id) =>
        new ResultAction(await appointments.GetAsync(request, id, request.HttpContext.RequestAborted));

    [Function(nameof(CancelAppointment))]
    public async Task<IActionResult> CancelAppointment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = HubRoutes.Appointment)] HttpRequest request, string id) =>
        new ResultAction(await appointments.CancelAsync(request, id, request.HttpContext.RequestAborted));

    [Function(nameof(PortalAppointments))]
    public async Task<IActionResult> PortalAppointments(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HubRoutes.PortalAppointments)] HttpRequest request) =>
        new ResultAction(await portal.DayViewAsync(request, request.HttpContext.RequestAborted));

    [Function(nameof(PortalAppointmentOutcome))]
    public async Task<IActionResult> PortalAppointmentOutcome(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = HubRoutes.PortalAppointmentMark)] HttpRequest request, string id) =>
        new ResultAction(await portal.OutcomeAsync(request, id, request.HttpContext.RequestAborted));

    /// <summary>Every minute: the day-before reminders (each sent once, however many instances run it).</summary>
    [Function(nameof(AppointmentReminders))]
    public Task AppointmentReminders([TimerTrigger("%Appointments:ReminderSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        service.RunRemindersAsync(cancellationToken);
}
