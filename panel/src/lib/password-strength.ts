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
  readonly label: 'Empty' | 'Too weak' | 'Weak' | 'Good' | 'Strong';
}

export const MIN_PASSWORD_LENGTH = 8;

export function checkPassword(password: string): PasswordStrength {
  const rules: PasswordRule[] = [
    { id: 'length', label: `At least ${MIN_PASSWORD_LENGTH} characters`, met: password.length >= MIN_PASSWORD_LENGTH },
    { id: 'upper', label: 'An upper-case letter', met: /[A-Z]/.test(password) },
    { id: 'lower', label: 'A lower-case letter', met: /[a-z]/.test(password) },
    { id: 'digit', label: 'A digit', met: /\d/.test(password) },
    { id: 'symbol', label: 'A symbol (like ! ? - #)', met: /[^A-Za-z0-9]/.test(password) },
  ];
  const met = rules.filter((rule) => rule.met).length;
  const acceptable = met === rules.length && password.length <= 256;
  let score: PasswordStrength['score'];
  if (password.length === 0) score = 0;
  else if (!acceptable) score = met >= 4 ? 2 : 1;
  else score = password.length >= 14 ? 4 : 3;
  const label = (['Empty', 'Too weak', 'Weak', 'Good', 'Strong'] as const)[score];
  return { rules, acceptable, score, label };
}
