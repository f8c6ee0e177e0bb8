import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Names of the directories directly in `path` (none when it does not exist). */
export function directoriesIn(path: string): string[] {
  return existsSync(path)
    ? readdirSync(path, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
    : [];
}

/** One provider of a filesystem mirror: `hostname/namespace/type`, its type and its directory. */
export interface MirroredProvider {
  readonly source: string;
  readonly type: string;
  readonly dir: string;
}

/** Every provider of a filesystem mirror, packed or unpacked (`<host>/<namespace>/<type>/` in both layouts). */
export function mirroredProviders(mirror: string): MirroredProvider[] {
  return directoriesIn(mirror).flatMap((host) =>
    directoriesIn(join(mirror, host)).flatMap((namespace) =>
      directoriesIn(join(mirror, host, namespace)).map((type) => ({ source: `${host}/${namespace}/${type}`, type, dir: join(mirror, host, namespace, type) })),
    ),
  );
}
