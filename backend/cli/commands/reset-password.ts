import { passwordPolicy } from '../../modules/auth/auth.schema.ts';
import type { Command } from '../command.ts';
import { print, promptHidden, readAll, UsageError } from '../io.ts';

export const resetPasswordCommand: Command = {
  name: 'reset-password',
  summary: 'Set a new master password and sign out every session.',
  usage: ['reset-password', 'reset-password < file-with-password'],
  details: [
    'On a terminal the password is asked twice without echo; otherwise the first line of stdin is used:',
    '  printf "%s\\n" "$NEW_PASSWORD" | docker exec -i aniworld aniworld reset-password',
    'Policy: at least 8 characters with upper case, lower case, a digit and a symbol.',
    'A damaged or missing secret.key (which stops the server from starting) is replaced by a new one.',
  ].join('\n'),
  async run(_args, { io, withApp }) {
    let password: string;
    if (io.stdin.isTTY) {
      password = await promptHidden(io, 'New master password: ');
      const again = await promptHidden(io, 'Repeat it: ');
      if (again !== password) throw new UsageError('The two passwords differ. Nothing was changed.');
    } else {
      password = (await readAll(io.stdin)).split(/\r?\n/)[0] ?? '';
    }
    const checked = passwordPolicy.safeParse(password);
    if (!checked.success) {
      print(io.stderr, `error: the password ${checked.error.issues.map((issue) => issue.message).join(', ')}. Nothing was changed.`);
      return 1;
    }
    // The recovery path for a damaged or lost secret.key: a new key goes with the new password.
    await withApp((app) => app.services.auth.resetPassword(checked.data), { replaceSecretKey: true });
    print(io.stdout, 'Master password changed; every session is signed out.');
    return 0;
  },
};
