// IntegrationHub on Azure: Functions (Flex Consumption, .NET 10 isolated) with a managed identity,
// Storage (tables + hand-off queues) and Service Bus (status events) reached without keys,
// department and platform secrets in Key Vault.
targetScope = 'resourceGroup'

@description('Short name used to derive resource names.')
@minLength(3)
@maxLength(11)
param name string = 'xzhub'

param location string = resourceGroup().location

@description('Department base URLs: the real systems or their joint-testing environments.')
param publicSecurityBaseUrl string
param housingBaseUrl string
param socialSecurityBaseUrl string

@description('Entra ID app role values mapped to the portal roles (App Service authentication).')
param operatorRoleClaim string = 'Hub.Operator'
param viewerRoleClaim string = 'Hub.Viewer'

@description('Ids (letters and digits) of the keys that seal personal data, each a Key Vault secret data-key-<id> holding base64 of 32 random bytes. To rotate: add the new id, deploy; then set activeDataKeyId to it, deploy; drop the old id once retention has erased what it sealed.')
@minLength(1)
param dataKeyIds array = [
  'k1'
]

@description('The key id new personal data is sealed with; one of dataKeyIds.')
param activeDataKeyId string = 'k1'

@description('How long personal data is kept after an application closes (.NET time span, days.hh:mm:ss).')
param personalDataRetention string = '30.00:00:00'

var suffix = uniqueString(resourceGroup().id, name)

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: toLower('${name}${suffix}')
    location: location
  }
}

module messaging 'modules/messaging.bicep' = {
  name: 'messaging'
  params: {
    name: '${name}-${suffix}'
    location: location
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: '${name}-${suffix}'
    location: location
  }
}

module vault 'modules/vault.bicep' = {
  name: 'vault'
  params: {
    name: take('${name}kv${suffix}', 24)
    location: location
  }
}

module app 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: '${name}-${suffix}'
    location: location
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    serviceBusNamespace: messaging.outputs.fullyQualifiedNamespace
    statusTopic: messaging.outputs.topicName
    appInsightsConnectionString: monitoring.outputs.connectionString
    vaultUri: vault.outputs.uri
    publicSecurityBaseUrl: publicSecurityBaseUrl
    housingBaseUrl: housingBaseUrl
    socialSecurityBaseUrl: socialSecurityBaseUrl
    operatorRoleClaim: operatorRoleClaim
    viewerRoleClaim: viewerRoleClaim
    dataKeyIds: dataKeyIds
    activeDataKeyId: activeDataKeyId
    personalDataRetention: personalDataRetention
  }
}

module access 'modules/access.bicep' = {
  name: 'access'
  params: {
    principalId: app.outputs.principalId
    storageAccountName: storage.outputs.name
    serviceBusNamespaceName: messaging.outputs.namespaceName
    vaultName: vault.outputs.name
    insightsName: monitoring.outputs.name
  }
}

output functionAppName string = app.outputs.name
output apiBaseUrl string = 'https://${app.outputs.defaultHostName}/api/v1'
