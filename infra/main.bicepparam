// Parameters for infra/main.bicep: copy this file, fill in the department URLs, and deploy with
//   az deployment group create --resource-group <rg> --template-file infra/main.bicep --parameters infra/main.bicepparam
// (README "Deploying to Azure"). No secret belongs here: keys and credentials go into the Key Vault the deployment creates.
using 'main.bicep'

// Short name (3-11 characters) from which every resource name is derived, with a suffix unique to the resource group:
// the Function app "<name>-<suffix>", its storage account, Service Bus namespace, Key Vault "<name>kv<suffix>".
param name = 'xzhub'

// Where the resources go. Left to its default: the resource group's own location.
// param location = 'eastasia'

// The departments' base URLs: their joint-testing (联调) environments first, the production systems after sign-off.
// 公安: requests go to {publicSecurityBaseUrl}/population/v2/applications.
param publicSecurityBaseUrl = 'https://ga-jointtest.example.gov.cn/'
// 房管: the open API root (token endpoint, applications, reconciliation).
param housingBaseUrl = 'https://fg-jointtest.example.gov.cn/'
// 人社: the business gateway root.
param socialSecurityBaseUrl = 'https://rs-jointtest.example.gov.cn/'

// The Entra ID app-role values that App Service authentication puts in the signed-in operator's claims; the portal maps
// them to its operator (replay, resolve, reveal) and viewer (read only) roles.
param operatorRoleClaim = 'Hub.Operator'
param viewerRoleClaim = 'Hub.Viewer'

// The key ring that seals personal data at rest: one Key Vault secret data-key-<id> per id, each base64 of 32 random
// bytes. To rotate: add the new id and deploy; set activeDataKeyId to it and deploy; drop the old id only after
// retention has erased what it sealed (docs/personal-data.md).
param dataKeyIds = [
  'k1'
]
param activeDataKeyId = 'k1'

// How long personal data is kept after an application closes (.NET time span days.hh:mm:ss); the masked timeline stays.
param personalDataRetention = '30.00:00:00'
