import { readFileSync } from 'node:fs';
import { posix } from 'node:path';

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}
export interface Stage {
  readonly name: string;
  readonly image: string;
  readonly instructions: Instruction[];
}

export const DOCKERFILE_URL = new URL('../../Dockerfile', import.meta.url);

/** Instructions grouped by stage, continuation lines joined, comments dropped, global ARG defaults resolved in FROM. */
export function parseDockerfile(source = readFileSync(DOCKERFILE_URL, 'utf8')): { globalArgs: Record<string, string>; stages: Stage[] } {
  const instructions: Instruction[] = [];
  let pending = '';
  let startLine = 0;
  source.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd();
    if (pending === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) return;
    if (pending === '') startLine = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      return;
    }
    const full = (pending + line.trim()).trim();
    pending = '';
    const space = full.search(/\s/);
    instructions.push({ keyword: full.slice(0, space).toUpperCase(), args: full.slice(space + 1).trim(), line: startLine });
  });

  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const match = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!match) throw new Error(`line ${instruction.line}: cannot read FROM ${instruction.args}`);
      const image = match[1].replace(/\$\{?(\w+)\}?/g, (_, name: string) => globalArgs[name] ?? '');
      stages.push({ name: match[2] ?? String(stages.length), image, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`line ${instruction.line}: ${instruction.keyword} before FROM`);
      const [name, value = ''] = instruction.args.split('=');
      globalArgs[name] = value;
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

/** `["a", "b"]` -> ['a', 'b']; undefined when the instruction uses shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((part) => typeof part === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** COPY lines of a stage: flags, sources and destination. */
export function copies(stage: Stage): { from?: string; sources: string[]; destination: string }[] {
  return stage.instructions
    .filter((instruction) => instruction.keyword === 'COPY')
    .map((instruction) => {
      const parts = instruction.args.split(/\s+/);
      const flags = parts.filter((part) => part.startsWith('--'));
      const paths = parts.filter((part) => !part.startsWith('--'));
      const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
      return { from, sources: paths.slice(0, -1), destination: paths[paths.length - 1] };
    });
}

/**
 * Files that the server and the CLI import (statically or by a lazy `import()`, followed through
 * relative specifiers from their entry points) which the runtime stage does not copy: a folder left
 * out stops the container at start, or at the first use of a lazy module. `read` answers a file's
 * text, or undefined when it does not exist: the working tree, or a commit of the history.
 */
export function filesLeftOutOfImage(read: (path: string) => string | undefined, dockerfile: string): { reached: number; missing: string[] } {
  const { stages } = parseDockerfile(dockerfile);
  const copied = copies(stages[stages.length - 1])
    .filter((entry) => !entry.from)
    .flatMap((entry) => entry.sources.map((source) => source.replace(/\/$/, '')));
  const reached = new Set<string>();
  const pending = ['backend/main.ts', 'scripts/aniworld.mjs'];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (reached.has(file)) continue;
    const text = read(file);
    if (text === undefined) continue;
    reached.add(file);
    for (const match of text.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = posix.normalize(posix.join(posix.dirname(file), match[1]!));
      if (/\.(ts|mjs|js|json)$/.test(target)) pending.push(target);
    }
  }
  const missing = [...reached].filter((file) => !copied.some((source) => file === source || file.startsWith(`${source}/`)));
  return { reached: reached.size, missing };
}
