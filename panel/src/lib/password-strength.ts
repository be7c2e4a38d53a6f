import { t } from '../i18n/locale.ts';
/**
 * The server's password policy (auth.schema.ts): at least 8 characters with upper case,
 * lower case, a digit and a symbol. The panel checks the same rules live so the user
 * sees what is missing before the server says no.
 */
export interface PasswordRule {
  readonly id: 'length' | 'upper' | 'lower' | 'digit' | 'symbol';
  readonly label: string;
  readonly met: boolean;
}

export interface PasswordStrength {
  readonly rules: readonly PasswordRule[];
  /** Every policy rule is met: the server will accept it. */
  readonly acceptable: boolean;
  /** 0 (empty) .. 4 (strong); beyond the policy, length adds strength. */
  readonly score: 0 | 1 | 2 | 3 | 4;
  /** In the panel's language. */
  readonly label: string;
}

export const MIN_PASSWORD_LENGTH = 8;

export function checkPassword(password: string): PasswordStrength {
  const rules: PasswordRule[] = [
    { id: 'length', label: t('password.length', { min: MIN_PASSWORD_LENGTH }), met: password.length >= MIN_PASSWORD_LENGTH },
    { id: 'upper', label: t('password.upper'), met: /[A-Z]/.test(password) },
    { id: 'lower', label: t('password.lower'), met: /[a-z]/.test(password) },
    { id: 'digit', label: t('password.digit'), met: /\d/.test(password) },
    { id: 'symbol', label: t('password.symbol'), met: /[^A-Za-z0-9]/.test(password) },
  ];
  const met = rules.filter((rule) => rule.met).length;
  const acceptable = met === rules.length && password.length <= 256;
  let score: PasswordStrength['score'];
  if (password.length === 0) score = 0;
  else if (!acceptable) score = met >= 4 ? 2 : 1;
  else score = password.length >= 14 ? 4 : 3;
  const label = t((['password.empty', 'password.tooWeak', 'password.weak', 'password.good', 'password.strong'] as const)[score]);
  return { rules, acceptable, score, label };
}
