import { randomBytes, randomUUID, createHash, timingSafeEqual } from 'node:crypto';
import { resolve } from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Clock } from '../../adapters/clock.ts';
import type { PasswordHasher } from '../../adapters/password-hasher.ts';
import type { TokenSigner } from '../../adapters/token-signer.ts';
import { checkWritableDirectory } from '../../adapters/writable-directory.ts';
import type { SettingsStore } from '../../../config/store.ts';
import { AppError, ConflictError, UnauthorizedError, ValidationError } from '../../errors.ts';
import { Credential } from './credential.entity.ts';
import { UserSession } from './user-session.entity.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { ChangePasswordInput, LoginInput, SetupInput } from './auth.schema.ts';

export type Principal = { readonly kind: 'session'; readonly sessionId: string; readonly expiresAt: Date } | { readonly kind: 'api_key' };

export interface ClientInfo {
  readonly address: string;
  readonly userAgent?: string;
}

const CREDENTIAL_ID = 1;
const API_KEY_PREFIX = 'aw_';

export class AuthService {
  readonly #em: EntityManager;
  readonly #hasher: PasswordHasher;
  readonly #signer: TokenSigner;
  readonly #clock: Clock;
  readonly #settings: SettingsStore;
  readonly #throttle: LoginThrottle;
  readonly #cwd: string;
  #configured = false;

  constructor(options: {
    em: EntityManager;
    hasher: PasswordHasher;
    signer: TokenSigner;
    clock: Clock;
    settings: SettingsStore;
    throttle: LoginThrottle;
    cwd?: string;
  }) {
    this.#em = options.em;
    this.#hasher = options.hasher;
    this.#signer = options.signer;
    this.#clock = options.clock;
    this.#settings = options.settings;
    this.#throttle = options.throttle;
    this.#cwd = options.cwd ?? process.cwd();
  }

  async isConfigured(): Promise<boolean> {
    // Once configured, always configured (there is no "unset"): skip the query from then on.
    if (!this.#configured) this.#configured = (await this.#em.count(Credential, { id: CREDENTIAL_ID })) > 0;
    return this.#configured;
  }

  /** Before setup it also says where media goes and whether the environment fixed that (the Docker image always does). */
  async status(
    principal: Principal | undefined,
  ): Promise<{ configured: boolean; authenticated: boolean; media_folder?: { path: string; set_by_env: boolean } }> {
    const configured = await this.isConfigured();
    if (configured) return { configured, authenticated: principal !== undefined };
    return {
      configured,
      authenticated: principal !== undefined,
      media_folder: { path: resolve(this.#cwd, this.#settings.current().anime_directory), set_by_env: this.#mediaFolderPinned() },
    };
  }

  #mediaFolderPinned(): boolean {
    return this.#settings.overriddenKeys().includes('anime_directory');
  }

  async setup(input: SetupInput): Promise<{ configured: true; anime_directory: string }> {
    if (await this.isConfigured()) throw new ConflictError('AniWorld is already set up. Log in with the master password.');
    if (
      input.anime_directory &&
      this.#mediaFolderPinned() &&
      resolve(this.#cwd, input.anime_directory) !== resolve(this.#cwd, this.#settings.current().anime_directory)
    ) {
      // Saving it would be silently ignored: the environment wins over config.json.
      const message = `The media folder is set by ANIWORLD_MEDIA_DIR to ${resolve(this.#cwd, this.#settings.current().anime_directory)}; change it there (in Docker: the /media volume)`;
      throw new ValidationError(message, [{ path: 'anime_directory', message: 'set by ANIWORLD_MEDIA_DIR' }]);
    }
    if (input.anime_directory) {
      const check = await checkWritableDirectory(resolve(this.#cwd, input.anime_directory));
      if (!check.ok)
        throw new ValidationError(`The media folder "${input.anime_directory}" is not writable: ${check.reason}`, [
          { path: 'anime_directory', message: check.reason },
        ]);
    }
    const passwordHash = await this.#hasher.hash(input.master_password);
    try {
      await this.#em.insert(Credential, { id: CREDENTIAL_ID, passwordHash, createdAt: this.#clock.now(), updatedAt: this.#clock.now() });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new ConflictError('AniWorld is already set up. Log in with the master password.');
      throw error;
    }
    this.#configured = true;
    if (input.anime_directory) await this.#settings.patch({ anime_directory: input.anime_directory });
    return { configured: true, anime_directory: this.#settings.current().anime_directory };
  }

  async login(input: LoginInput, client: ClientInfo): Promise<{ access_token: string; token_type: 'bearer'; expires_at: string }> {
    const credential = await this.#requireCredential();
    // Counted before the check, so a parallel burst cannot slip past the limit.
    const reservation = await this.#throttle.reserve(client.address);
    if (!(await this.#hasher.verify(input.password, credential.passwordHash))) throw new UnauthorizedError('Wrong password');
    await reservation.succeeded();
    if (this.#hasher.needsRehash(credential.passwordHash)) {
      // A hash from before the pre-hashed scheme: the password is known right now, move it over.
      credential.passwordHash = await this.#hasher.hash(input.password);
      await this.#em.flush();
    }
    return this.#issueSession(input.remember, client);
  }

  async logout(principal: Principal | undefined): Promise<void> {
    if (principal?.kind !== 'session') return;
    await this.#em.nativeUpdate(UserSession, { id: principal.sessionId }, { revokedAt: this.#clock.now() });
  }

  /** A token is valid only while its session row exists, is unrevoked and unexpired. */
  async authenticateToken(token: string): Promise<Principal | undefined> {
    const claims = await this.#signer.verify(token);
    if (!claims) return undefined;
    const session = await this.#em.findOne(UserSession, { id: claims.jti }, { disableIdentityMap: true });
    const now = this.#clock.now();
    if (!session || session.revokedAt || session.expiresAt.getTime() <= now.getTime()) return undefined;
    return { kind: 'session', sessionId: session.id, expiresAt: session.expiresAt };
  }

  async authenticateApiKey(apiKey: string): Promise<Principal | undefined> {
    if (!apiKey.startsWith(API_KEY_PREFIX)) return undefined;
    const credential = await this.#em.findOne(Credential, { id: CREDENTIAL_ID }, { disableIdentityMap: true });
    if (!credential?.apiKeyHash) return undefined;
    const given = Buffer.from(sha256(apiKey), 'hex');
    const stored = Buffer.from(credential.apiKeyHash, 'hex');
    return given.length === stored.length && timingSafeEqual(given, stored) ? { kind: 'api_key' } : undefined;
  }

  /** Generates a new API key, invalidating the old one. The key is returned once and stored only as a hash. */
  async rotateApiKey(): Promise<{ api_key: string; prefix: string; created_at: string }> {
    const credential = await this.#requireCredential();
    const apiKey = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    credential.apiKeyHash = sha256(apiKey);
    credential.apiKeyPrefix = apiKey.slice(0, 8);
    credential.apiKeyCreatedAt = this.#clock.now();
    await this.#em.flush();
    return { api_key: apiKey, prefix: credential.apiKeyPrefix, created_at: credential.apiKeyCreatedAt.toISOString() };
  }

  async apiKeyInfo(): Promise<{ exists: boolean; prefix: string | null; created_at: string | null }> {
    const credential = await this.#requireCredential();
    return {
      exists: credential.apiKeyHash !== null && credential.apiKeyHash !== undefined,
      prefix: credential.apiKeyPrefix ?? null,
      created_at: credential.apiKeyCreatedAt?.toISOString() ?? null,
    };
  }

  async revokeApiKey(): Promise<void> {
    const credential = await this.#requireCredential();
    credential.apiKeyHash = null;
    credential.apiKeyPrefix = null;
    credential.apiKeyCreatedAt = null;
    await this.#em.flush();
  }

  /** Changing the password signs out every other session. */
  async changePassword(input: ChangePasswordInput, principal: Principal | undefined): Promise<void> {
    const credential = await this.#requireCredential();
    if (!(await this.#hasher.verify(input.current_password, credential.passwordHash)))
      throw new ValidationError('The current password is wrong', [{ path: 'current_password', message: 'is wrong' }]);
    credential.passwordHash = await this.#hasher.hash(input.new_password);
    await this.#em.flush();
    const keep = principal?.kind === 'session' ? principal.sessionId : undefined;
    await this.#em.nativeUpdate(UserSession, { revokedAt: null, ...(keep ? { id: { $ne: keep } } : {}) }, { revokedAt: this.#clock.now() });
  }

  /** For the CLI: sets a new password (policy applies) and signs out every session. */
  async resetPassword(newPassword: string): Promise<void> {
    const passwordHash = await this.#hasher.hash(newPassword);
    const credential = await this.#em.findOne(Credential, { id: CREDENTIAL_ID });
    if (credential) credential.passwordHash = passwordHash;
    else this.#em.create(Credential, { id: CREDENTIAL_ID, passwordHash });
    await this.#em.flush();
    this.#configured = true;
    await this.#em.nativeUpdate(UserSession, { revokedAt: null }, { revokedAt: this.#clock.now() });
  }

  /** Forgets expired sessions; called from a scheduled job. */
  async pruneSessions(): Promise<number> {
    return this.#em.nativeDelete(UserSession, { expiresAt: { $lt: this.#clock.now() } });
  }

  async #issueSession(remember: boolean, client: ClientInfo): Promise<{ access_token: string; token_type: 'bearer'; expires_at: string }> {
    const { session_hours, remember_days } = this.#settings.current().auth;
    const now = this.#clock.now();
    const expiresAt = new Date(now.getTime() + (remember ? remember_days * 24 : session_hours) * 3600_000);
    const id = randomUUID();
    await this.#em.insert(UserSession, {
      id,
      createdAt: now,
      expiresAt,
      remember,
      clientAddress: client.address,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
    });
    const accessToken = await this.#signer.sign({ jti: id, sub: 'admin', expiresAt });
    return { access_token: accessToken, token_type: 'bearer', expires_at: expiresAt.toISOString() };
  }

  async #requireCredential() {
    const credential = await this.#em.findOne(Credential, { id: CREDENTIAL_ID });
    if (!credential) throw new AppError(409, 'not_configured', 'AniWorld is not set up yet. Run the first-time setup first.');
    return credential;
  }
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
