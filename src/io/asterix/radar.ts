/**
 * What a radar sends on its ASTERIX stream: CAT048 target reports and CAT034 service messages (north marker,
 * sector crossing), in any mix of data blocks per datagram. One walk over the blocks decodes both; every other
 * category is skipped and counted (`unknown-category`), every refusal counted under its reason.
 */
import { walkDatagram } from './block.js';
import { CAT034, decodeCat034Records, type ServiceMessage } from './cat034.js';
import { CAT048, cat048Decoder, type Cat048Context } from './cat048.js';
import type { RejectCounter } from './rejects.js';
import type { Plot } from '../../sense/plot.js';

/**
 * Decodes a radar datagram: plots to `plots`, service messages to `messages`. Never throws on bad bytes.
 * Returns the number of plots and messages appended.
 */
export function decodeRadarDatagram(buf: Uint8Array, ctx: Cat048Context, plots: Plot[], messages: ServiceMessage[], rejects: RejectCounter): number {
  const before = plots.length + messages.length;
  walkDatagram(
    buf,
    new Map([
      [CAT048, cat048Decoder(ctx, plots, rejects)],
      [CAT034, (b, view, start, end, st) => decodeCat034Records(b, view, start, end, st, ctx, messages, rejects)],
    ]),
    rejects,
  );
  return plots.length + messages.length - before;
}
