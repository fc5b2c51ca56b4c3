// The Functions app: Flex Consumption, .NET 10 isolated worker, system-assigned identity for every connection.
param name string
param location string
param storageAccountName string
param deploymentContainerUrl string
param serviceBusNamespace string
param statusTopic string
param appInsightsConnectionString string
param vaultUri string
param publicSecurityBaseUrl string
param housingBaseUrl string
param socialSecurityBaseUrl string
param operatorRoleClaim string
param viewerRoleClaim string
param dataKeyIds array
param activeDataKeyId string
param personalDataRetention string

// Bounded by the bureaus, not by the load: each instance paces its share of 房管's and 人社's 20 calls/s (16 hub-wide)
// and may put one call of jitter more into a bureau's second, so 16 + instances must stay within 20. The hub checks
// the same rule at start from Departments__Shared__MaximumInstanceCount, set below from this value (docs/scale-out.md).
@minValue(1)
@maxValue(4)
param maximumInstanceCount int = 4

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: name
  location: location
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

var secret = 'SecretUri=${vaultUri}secrets/'

// The key ring that seals personal data at rest: one Key Vault secret per key (base64 of 32 random bytes), each an app
// setting by reference, so no key is ever in the template or the app's configuration store (docs/personal-data.md).
var dataKeySettings = [for id in dataKeyIds: {
  name: 'Security__Encryption__Keys__${id}'
  value: '@Microsoft.KeyVault(${secret}data-key-${id})'
}]

// The queue name and timer schedules the functions bind to by app-setting expressions (%Storage:QueueName%, …): the
// host resolves them when it indexes the functions and the hub reads the same settings, so both agree by construction.
// Every one must be set, or indexing fails; the values are the hub's defaults (Hosts/TriggerParityTests compares them).
var triggerSettings = [
  { name: 'Storage__QueueName', value: 'handoffs' }
  { name: 'Handoff__SweepSchedule', value: '0 */1 * * * *' }
  { name: 'Handoff__FollowUpSchedule', value: '30 */1 * * * *' }
  { name: 'Security__Retention__Schedule', value: '0 */5 * * * *' }
  { name: 'Telemetry__QueueSampleSchedule', value: '15 */1 * * * *' }
  { name: 'Events__Pump__NudgeSchedule', value: '*/30 * * * * *' }
  { name: 'Suggestions__DeadlineSchedule', value: '15 */1 * * * *' }
  { name: 'Appointments__ReminderSchedule', value: '30 */1 * * * *' }
]

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: 'SystemAssigned'
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      // 2,048 MB: the smallest size with a whole vCPU; the hub's memory is small (bounded caches), its work is I/O.
      // HTTP concurrency 16 per instance keeps a burst of intake from queuing behind slow storage calls; queue work is
      // bounded by host.json (batchSize 16 + newBatchThreshold 8 per queue) and the departments by the rate shares.
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
        triggers: {
          http: {
            perInstanceConcurrency: 16
          }
        }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat([
        { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
        { name: 'Storage__AccountName', value: storageAccountName }
        { name: 'Storage__queueServiceUri', value: 'https://${storageAccountName}.queue.${environment().suffixes.storage}' }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD' }
        { name: 'Events__ServiceBus__FullyQualifiedNamespace', value: serviceBusNamespace }
        { name: 'Events__ServiceBus__Topic', value: statusTopic }
        { name: 'Security__IdHash__Key', value: '@Microsoft.KeyVault(${secret}id-hash-key)' }
        { name: 'Security__Encryption__ActiveKeyId', value: activeDataKeyId }
        { name: 'Security__Retention__EraseAfter', value: personalDataRetention }
        { name: 'Portal__TrustAppServiceAuthentication', value: 'true' }
        { name: 'Portal__OperatorRoleClaim', value: operatorRoleClaim }
        { name: 'Portal__ViewerRoleClaim', value: viewerRoleClaim }
        { name: 'Portal__SessionKey', value: '@Microsoft.KeyVault(${secret}portal-session-key)' }
        { name: 'Platforms__Clients__0__Name', value: 'xuzhou-community-app' }
        { name: 'Platforms__Clients__0__ApiKey', value: '@Microsoft.KeyVault(${secret}platform-api-key)' }
        { name: 'Platforms__Clients__0__WebhookUrl', value: '@Microsoft.KeyVault(${secret}platform-webhook-url)' }
        { name: 'Platforms__Clients__0__WebhookSecret', value: '@Microsoft.KeyVault(${secret}platform-webhook-secret)' }
        { name: 'Departments__PublicSecurity__BaseUrl', value: publicSecurityBaseUrl }
        { name: 'Departments__PublicSecurity__AccessUnitCode', value: '@Microsoft.KeyVault(${secret}ga-access-unit)' }
        { name: 'Departments__PublicSecurity__SigningKey', value: '@Microsoft.KeyVault(${secret}ga-signing-key)' }
        { name: 'Departments__Housing__BaseUrl', value: housingBaseUrl }
        { name: 'Departments__Housing__ClientId', value: '@Microsoft.KeyVault(${secret}fg-client-id)' }
        { name: 'Departments__Housing__ClientSecret', value: '@Microsoft.KeyVault(${secret}fg-client-secret)' }
        { name: 'Departments__Housing__WebhookSecret', value: '@Microsoft.KeyVault(${secret}fg-webhook-secret)' }
        { name: 'Departments__SocialSecurity__BaseUrl', value: socialSecurityBaseUrl }
        { name: 'Departments__SocialSecurity__OrgCode', value: '@Microsoft.KeyVault(${secret}rs-org-code)' }
        { name: 'Departments__SocialSecurity__SigningKey', value: '@Microsoft.KeyVault(${secret}rs-signing-key)' }
        { name: 'Departments__Shared__MaximumInstanceCount', value: string(maximumInstanceCount) }
      ], triggerSettings, dataKeySettings)
    }
  }
}

// The portal and the platform API sit behind App Service authentication (Entra ID); anonymous requests
// are allowed through so the hub's own X-Api-Key and department signatures still apply to machine callers.
resource auth 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output principalId string = site.identity.principalId
