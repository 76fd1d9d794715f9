/**
 * `docker ps` as the docker CLI prints it (cli/command/formatter/container.go,
 * its tabwriter: minwidth 10, padding 3). Lines end with `\n`.
 */
import {ellipsis, table} from '../render/tables';
import {timeAgo} from '../render/jsonmessage';
import {IMAGE_LABEL} from './sandbox';
import type {OwnedContainer} from './owned';

export function psTable(rows: OwnedContainer[], opts: {quiet?: boolean; noTrunc?: boolean; now?: number} = {}): string {
  const id = (c: OwnedContainer) => (opts.noTrunc ? c.id : c.id.slice(0, 12));
  if (opts.quiet) return rows.map((c) => id(c) + '\n').join('');
  const header = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'];
  return table([
    header,
    ...rows.map((c) => {
      const command = opts.noTrunc ? c.info.Command : ellipsis(c.info.Command ?? '', 20);
      return [
        id(c),
        c.info.Labels?.[IMAGE_LABEL] ?? c.info.Image,
        JSON.stringify(command ?? ''),
        timeAgo(c.info.Created, opts.now),
        c.info.Status ?? '',
        '',
        c.name,
      ];
    }),
  ]);
}
