import { settingsSchema } from '../../config/schema.ts';
import { changePasswordSchema, loginSchema, setupSchema } from '../modules/auth/auth.schema.ts';
import { createWebhookSchema, deliveriesQuerySchema, updateWebhookSchema, webhookParams } from '../modules/notifications/webhook.schema.ts';
import { configBackupParams } from '../modules/config/config.schema.ts';
import { addMissingSchema, addUpgradesSchema, addSchema as queueAddSchema, itemParams, patchSchema, reorderSchema, retrySchema } from '../modules/queue/queue.schema.ts';
import { bulkSchema, listQuerySchema, addSchema as seriesAddSchema, deleteQuerySchema, ignoredFolderParams, ignoreFolderSchema, importAllSchema, importQuerySchema, importSchema, keyParamSchema, namingPreviewSchema, renameLibrarySchema, searchSchema, updateSchema } from '../modules/series/series.schema.ts';
import { wantedDownloadSchema, wantedQuerySchema } from '../modules/wanted/wanted.schema.ts';
import { backupParams, logsQuerySchema, providerTestSchema, taskParams } from '../modules/system/system.schema.ts';
import { checkFrameQuerySchema, checkInputSchema, checkParams } from '../modules/system/provider-check.schema.ts';
import { activityQuerySchema } from '../modules/activity/activity.schema.ts';
import type { OperationTable } from './openapi.ts';
import { z } from 'zod';
import {
  animeDetailSchema, animeSummarySchema, apiKeyCreatedSchema, apiKeyInfoSchema, authStatusSchema, configBackupSchema, configValidationSchema, configViewFields, loginResultSchema,
  scanRequestSchema, searchResultSchema, seriesRefreshResultSchema, seriesRemovedSchema, seriesScanResultSchema, setupResultSchema, successSchema,
  webhookDeliveriesSchema, webhookSchema, webhookTestResultSchema,
  diagnosticsSchema, healthSchema, logLinesSchema, openApiDocumentSchema, providerChecksSchema, providerTestResultSchema,
  bulkResultSchema, folderIgnoredSchema, ignoredFoldersSchema, importAllResultSchema, importCandidatesSchema, namingPreviewResultSchema, wantedDownloadResultSchema, wantedPageSchema,
  activityPageSchema, libraryRenamePlanSchema, libraryRenameResultSchema, renamePlanSchema, renameResultSchema,
  downloadItemSchema, queueAddResultSchema, queueClearResultSchema, queueRemoveResultSchema, queueReorderResultSchema, queueRetryResultSchema, queueStateSchema, queueStatusSchema,
  checklistSchema, databaseBackupListSchema, databaseBackupSchema, databaseRestoreSchema, scheduledTaskSchema, scheduledTasksSchema } from '../../contract/index.ts';

const key = { key: keyParamSchema };
/** The settings (their one schema) and what the config routes add to them. */
const configViewSchema = settingsSchema.extend(configViewFields);
const item = { item_id: itemParams.shape.item_id };
const hook = { id: webhookParams.shape.id };
const site = { site: checkParams.shape.site };

/**
 * One entry per route (`METHOD /koa/path`), with the schemas the handler validates with and the
 * contract schema of its answer (`response`).
 * The OpenAPI test fails when a route has no entry here or an entry has no route.
 */
export const OPERATIONS: OperationTable = {
  'GET /health': { tag: 'system', summary: 'Health for container checks (no auth); 503 when down', response: healthSchema },
  'GET /api/health': { tag: 'system', summary: 'Health: status, version, uptime, database, storage, job store (no auth)', response: healthSchema },
  'GET /api/docs': { tag: 'system', summary: 'This OpenAPI 3.1 document (no auth)', response: openApiDocumentSchema },
  'GET /api/system/logs': { tag: 'system', summary: 'Newest log lines from the log file, oldest first', query: logsQuerySchema, response: logLinesSchema },
  'POST /api/system/provider-test': { tag: 'system', summary: 'Test provider: resolve its name, one plain request, one search through the anti-bot check; each step with its outcome', body: providerTestSchema, response: providerTestResultSchema },
  'GET /api/provider/checks': { tag: 'system', summary: 'Provider checks no machine could pass, waiting for a person to solve them in the live view', response: providerChecksSchema },
  'GET /api/provider/checks/:site/frame': { tag: 'system', params: site, summary: 'Live view of a waiting check: the next screencast frame after `after` (long poll; 204 when the page did not change)', query: checkFrameQuerySchema, success: { status: 200, contentType: 'image/jpeg' } },
  'POST /api/provider/checks/:site/input': { tag: 'system', params: site, summary: 'A click (page coordinates), a key or typed text, sent to the waiting check as trusted input', body: checkInputSchema, success: { status: 204 } },
  'POST /api/provider/checks/:site/give-up': { tag: 'system', params: site, summary: 'Stop waiting for a person; work waiting for the site fails with the check', success: { status: 204 } },
  'GET /api/system/tasks': { tag: 'system', response: scheduledTasksSchema, summary: 'Scheduled tasks (rescan, provider refresh, session pruning) with their next and last run' },
  'POST /api/system/tasks/:name/run': { tag: 'system', response: scheduledTaskSchema, summary: 'Run a scheduled task now through the job runner (409 while it runs); its next run counts from this one', params: { name: taskParams.shape.name }, success: { status: 202 } },
  'GET /api/system/checklist': { tag: 'system', response: checklistSchema, summary: 'First-run checklist: provider reachable, media folder writable, languages chosen, a connection; and whether it was dismissed' },
  'GET /api/system/backups': { tag: 'system', response: databaseBackupListSchema, summary: 'Database backups (name, reason, size, date), newest first, and how many are kept; 409 on PostgreSQL' },
  'POST /api/system/backups': { tag: 'system', response: databaseBackupSchema, summary: 'Create a consistent database backup (SQLite online backup, mode 0600)', success: { status: 201 } },
  'POST /api/system/backups/upload': { tag: 'system', response: databaseBackupSchema, summary: 'Upload a database file (application/octet-stream) as a backup; refused unless it is an intact AniWorld database this version can run', success: { status: 201 } },
  'GET /api/system/backups/:name': { tag: 'system', summary: 'Download a database backup', params: { name: backupParams.shape.name }, success: { status: 200, contentType: 'application/vnd.sqlite3' } },
  'POST /api/system/backups/:name/restore': { tag: 'system', response: databaseRestoreSchema, summary: 'Restore a database backup: checked, the current database saved as pre-restore, downloads paused meanwhile, newer migrations applied', params: { name: backupParams.shape.name } },
  'DELETE /api/system/backups/:name': { tag: 'system', summary: 'Delete a database backup', params: { name: backupParams.shape.name }, success: { status: 204 } },
  'GET /api/system/diagnostics': { tag: 'system', summary: 'Diagnostics bundle as a JSON download, secrets removed', response: diagnosticsSchema },
  'GET /metrics': { tag: 'system', summary: 'Prometheus metrics (when enabled; API key or session)', success: { status: 200, contentType: 'text/plain; version=0.0.4' } },

  'POST /api/auth/setup': { tag: 'auth', summary: 'First-time setup: the master password (and optionally the media folder)', body: setupSchema, response: setupResultSchema, success: { status: 201 } },
  'POST /api/auth/login': { tag: 'auth', summary: 'Log in; returns a bearer token (throttled per client)', body: loginSchema, response: loginResultSchema },
  'POST /api/auth/logout': { tag: 'auth', summary: 'Revoke the current session', response: successSchema },
  'GET /api/auth/status': { tag: 'auth', summary: 'Whether setup is done and the caller is authenticated (no auth)', response: authStatusSchema },
  'POST /api/auth/password': { tag: 'auth', summary: 'Change the master password; signs out other sessions', body: changePasswordSchema, response: successSchema },
  'GET /api/auth/api-key': { tag: 'auth', summary: 'API key prefix and creation time', response: apiKeyInfoSchema },
  'POST /api/auth/api-key': { tag: 'auth', summary: 'Create or rotate the API key (shown once)', response: apiKeyCreatedSchema, success: { status: 201 } },
  'DELETE /api/auth/api-key': { tag: 'auth', summary: 'Revoke the API key', success: { status: 204 } },

  'GET /api/config': { tag: 'config', summary: 'Effective settings and the keys the environment pins', response: configViewSchema },
  'PUT /api/config': { tag: 'config', summary: 'Change settings; keys not given keep their stored value', body: settingsSchema, response: configViewSchema },
  'POST /api/config/validate': { tag: 'config', summary: 'Validate settings without saving', body: settingsSchema, response: configValidationSchema },
  'GET /api/config/backups': { tag: 'config', summary: 'Config backups, newest first', response: z.array(configBackupSchema) },
  'POST /api/config/backups': { tag: 'config', summary: 'Back up the current config', response: configBackupSchema, success: { status: 201 } },
  'POST /api/config/backups/:name/restore': { tag: 'config', params: { name: configBackupParams.shape.name }, summary: 'Restore a config backup', response: configViewSchema },

  'GET /api/anime': { tag: 'anime', summary: 'The library with missing episodes per season (ETag; optional fields, offset, limit)', query: listQuerySchema, response: z.array(animeSummarySchema) },
  'POST /api/anime/search': { tag: 'anime', summary: 'Search the provider', body: searchSchema, response: z.array(searchResultSchema) },
  'POST /api/anime/add': { tag: 'anime', summary: 'Add a series by provider link or key', body: seriesAddSchema, response: animeDetailSchema, success: { status: 201 } },
  'POST /api/anime/rescan': { tag: 'anime', summary: 'Start a library scan (joins a running one)', response: scanRequestSchema, success: { status: 202 } },
  'POST /api/anime/naming/preview': { tag: 'anime', summary: 'Preview file names for naming templates', body: namingPreviewSchema, response: namingPreviewResultSchema },
  'GET /api/anime/import': { tag: 'anime', summary: 'Folders not linked to a series yet, with match candidates', query: importQuerySchema, response: importCandidatesSchema },
  'POST /api/anime/import': { tag: 'anime', summary: 'Link an unknown folder to a series', body: importSchema, response: animeDetailSchema, success: { status: 201 } },
  'POST /api/anime/bulk': { tag: 'anime', summary: 'One action (monitor, unmonitor, refresh, download_missing) on many series; each series reports its own outcome', body: bulkSchema, response: bulkResultSchema },
  'POST /api/anime/import/all': { tag: 'anime', summary: 'Import every unknown folder whose match is confident (linked, one exact title, or a single fitting result); results per folder', body: importAllSchema, response: importAllResultSchema },
  'GET /api/anime/import/ignored': { tag: 'anime', summary: 'Folders the import was told to ignore', response: ignoredFoldersSchema },
  'POST /api/anime/import/ignored': { tag: 'anime', summary: 'Ignore a folder: the import no longer suggests it', body: ignoreFolderSchema, response: folderIgnoredSchema, success: { status: 201 } },
  'DELETE /api/anime/import/ignored/:folder': { tag: 'anime', summary: 'Stop ignoring a folder: the import suggests it again', params: { folder: ignoredFolderParams.shape.folder }, response: folderIgnoredSchema },
  'GET /api/anime/:key': { tag: 'anime', summary: 'One series with its episodes', params: key, response: animeDetailSchema },
  'PATCH /api/anime/:key': { tag: 'anime', summary: 'Change monitoring or the preferred language', params: key, body: updateSchema, response: animeDetailSchema },
  'DELETE /api/anime/:key': { tag: 'anime', summary: 'Remove a series (optionally its files)', params: key, query: deleteQuerySchema, response: seriesRemovedSchema },
  'POST /api/anime/:key/rescan': { tag: 'anime', summary: 'Rescan one series folder', params: key, response: seriesScanResultSchema },
  'GET /api/anime/:key/rename': { tag: 'anime', summary: 'Organize preview: the moves {from, to} (relative to the series folder) that bring its files to the naming templates, and the clashes', params: key, response: renamePlanSchema },
  'POST /api/anime/:key/rename': { tag: 'anime', summary: 'Organize: rename the files to the naming templates (companion files move along, nothing is overwritten)', params: key, response: renameResultSchema },
  'GET /api/rename': { tag: 'anime', summary: 'Organize preview for the whole library: every series with files to rename', response: libraryRenamePlanSchema },
  'POST /api/rename': { tag: 'anime', summary: 'Organize the library (or the series in `keys`)', body: renameLibrarySchema, response: libraryRenameResultSchema },
  'POST /api/anime/:key/refresh': { tag: 'anime', summary: 'Refresh episodes and metadata from the provider', params: key, response: seriesRefreshResultSchema },

  'GET /api/activity': { tag: 'system', summary: 'Activity log, newest first: series added, imported and removed, library scans, refreshes that found episodes, downloads, renames, provider checks, settings changes', query: activityQuerySchema, response: activityPageSchema },

  'GET /api/queue/status': { tag: 'queue', summary: 'Queue state: active, pending, completed, failed and statistics', response: queueStatusSchema },
  'POST /api/queue/add': { tag: 'queue', summary: 'Queue episodes of a library series', body: queueAddSchema, response: queueAddResultSchema, success: { status: 201 } },
  'POST /api/queue/add-missing': { tag: 'queue', summary: 'Queue every missing episode of a series', body: addMissingSchema, response: queueAddResultSchema, success: { status: 201 } },
  'POST /api/queue/add-upgrades': { tag: 'queue', summary: 'Queue language upgrades of a series (the given episodes, or every upgradable one)', body: addUpgradesSchema, response: queueAddResultSchema, success: { status: 201 } },
  'POST /api/queue/start': { tag: 'queue', summary: 'Start processing the queue', response: queueStateSchema },
  'POST /api/queue/stop': { tag: 'queue', summary: 'Stop processing (running downloads are interrupted and resume later)', response: queueStateSchema },
  'POST /api/queue/pause': { tag: 'queue', summary: 'Pause the queue', response: queueStateSchema },
  'POST /api/queue/resume': { tag: 'queue', summary: 'Resume the queue', response: queueStateSchema },
  'POST /api/queue/retry': { tag: 'queue', summary: 'Retry failed items (all, or the given ids)', body: retrySchema, response: queueRetryResultSchema },
  'POST /api/queue/reorder': { tag: 'queue', summary: 'Set the order of pending items', body: reorderSchema, response: queueReorderResultSchema },
  'DELETE /api/queue/completed': { tag: 'queue', summary: 'Forget completed items', response: queueClearResultSchema },
  'GET /api/queue/:item_id': { tag: 'queue', summary: 'One queue item', params: item, response: downloadItemSchema },
  'PATCH /api/queue/:item_id': { tag: 'queue', summary: 'Change an item\'s priority', params: item, body: patchSchema, response: downloadItemSchema },
  'DELETE /api/queue/:item_id': { tag: 'queue', summary: 'Remove an item (a running transfer stops; its .part is deleted)', params: item, response: queueRemoveResultSchema },
  'POST /api/queue/:item_id/cancel': { tag: 'queue', summary: 'Cancel an item: it stops and stays in the history with its .part; retry resumes it', params: item, response: downloadItemSchema },
  'POST /api/queue/:item_id/pause': { tag: 'queue', summary: 'Pause one item', params: item, response: downloadItemSchema },
  'POST /api/queue/:item_id/resume': { tag: 'queue', summary: 'Resume one item', params: item, response: downloadItemSchema },

  'GET /api/wanted': { tag: 'wanted', summary: 'Missing (or, kind=upgradable, upgradable) episodes of monitored series across the library, filtered by series, season and language, in pages', query: wantedQuerySchema, response: wantedPageSchema },
  'POST /api/wanted/download': { tag: 'wanted', summary: 'Queue a selection of wanted episodes, or all the filters match; results per series', body: wantedDownloadSchema, response: wantedDownloadResultSchema },

  'GET /api/webhooks': { tag: 'webhooks', summary: 'Webhooks', response: z.array(webhookSchema) },
  'POST /api/webhooks': { tag: 'webhooks', summary: 'Create a webhook', body: createWebhookSchema, response: webhookSchema, success: { status: 201 } },
  'POST /api/webhooks/test': { tag: 'webhooks', summary: 'Send a test event to an unsaved webhook', body: createWebhookSchema, response: webhookTestResultSchema },
  'GET /api/webhooks/:id': { tag: 'webhooks', params: hook, summary: 'One webhook', response: webhookSchema },
  'PUT /api/webhooks/:id': { tag: 'webhooks', params: hook, summary: 'Change a webhook (partial; secret null removes it)', body: updateWebhookSchema, response: webhookSchema },
  'DELETE /api/webhooks/:id': { tag: 'webhooks', params: hook, summary: 'Delete a webhook', success: { status: 204 } },
  'POST /api/webhooks/:id/test': { tag: 'webhooks', params: hook, summary: 'Send a test event to a saved webhook; an optional body tests unsaved edits (••• keeps stored values)', body: updateWebhookSchema, response: webhookTestResultSchema },
  'GET /api/webhooks/:id/deliveries': { tag: 'webhooks', params: hook, summary: 'Delivery attempts of a webhook, newest first', query: deliveriesQuerySchema, response: webhookDeliveriesSchema },
};
