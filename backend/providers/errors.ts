import { AppError } from '../errors.ts';

/** The provider or a hoster did not answer (timeout, network, 5xx after retries). Transient. */
export class ProviderUnavailableError extends AppError {
  constructor(message: string, options: { cause?: unknown; details?: unknown } = {}) {
    super(502, 'provider_unavailable', message, { ...options, expose: true });
  }
}

/** The site answered with an anti-bot challenge instead of the page. */
export class ChallengeError extends AppError {
  constructor(message: string, options: { cause?: unknown; details?: unknown } = {}) {
    super(502, 'provider_challenge', message, { ...options, expose: true });
  }
}

/** The page arrived but does not have the shape we read ("the series page has no season list"). */
export class ParseError extends AppError {
  constructor(message: string, options: { cause?: unknown; details?: unknown } = {}) {
    super(502, 'provider_parse_error', message, { ...options, expose: true });
  }
}

/** The provider says the thing does not exist (404 on a series or episode). Permanent. */
export class ProviderNotFoundError extends AppError {
  constructor(message: string) {
    super(404, 'provider_not_found', message, { expose: true });
  }
}

/** No resolver knows this hoster (neither by the provider's name for it nor by its domain). */
export class UnsupportedHosterError extends AppError {
  constructor(message: string) {
    super(422, 'hoster_unsupported', message, { expose: true });
  }
}
