import { Series } from '../modules/series/series.entity.ts';
import { Episode } from '../modules/series/episode.entity.ts';
import { IgnoredFolder } from '../modules/series/ignored-folder.entity.ts';
import { DownloadItem } from '../modules/queue/download-item.entity.ts';
import { UserSession } from '../modules/auth/user-session.entity.ts';
import { LoginAttempt } from '../modules/auth/login-attempt.entity.ts';
import { Credential } from '../modules/auth/credential.entity.ts';
import { Webhook } from '../modules/notifications/webhook.entity.ts';
import { WebhookDelivery } from '../modules/notifications/webhook-delivery.entity.ts';
import { ActivityEntry } from '../modules/activity/activity-entry.entity.ts';

/** The explicit entity list: add a line here when a feature adds an entity (and a migration). */
export const ENTITIES = [Series, Episode, DownloadItem, UserSession, LoginAttempt, Credential, Webhook, WebhookDelivery, IgnoredFolder, ActivityEntry];
