// Big replays are not posted whole to the webview: it gets the first window of
// bio_vec rows and asks for more as the reader scrolls. Pure (no vscode), so
// the webview tests answer with the same code the editor does.
import type { BvecDto } from '../protocol/dto';
import {
  BVEC_PAGING_ABOVE,
  BVEC_WINDOW,
  WEBVIEW_PROTOCOL_VERSION,
  type BvecRowsMessage,
  type RequestBvecsMessage,
  type ShowReplayMessage,
} from '../protocol/webview';

export class ReplayPager {
  /** The rows of the last big replay posted; only the one on screen is kept. */
  private held: { readonly id: number; readonly bvecs: readonly BvecDto[] } | undefined;
  private next = 1;

  /** The message to post for `message`: a big result carries its first window and a paging id. */
  window(message: ShowReplayMessage): ShowReplayMessage {
    const bvecs = message.result.bvecs;
    if (bvecs.length <= BVEC_PAGING_ABOVE) {
      this.held = undefined;
      return message;
    }
    const id = this.next++;
    this.held = { id, bvecs };
    return { ...message, result: { ...message.result, bvecs: bvecs.slice(0, BVEC_WINDOW) }, paging: { id, total: bvecs.length } };
  }

  /** Rows for a request; none when the replay is no longer held (the webview then computes them). */
  rows(request: RequestBvecsMessage): BvecRowsMessage {
    const held = this.held?.id === request.id ? this.held.bvecs : [];
    const count = Math.min(request.count, BVEC_WINDOW);
    return { v: WEBVIEW_PROTOCOL_VERSION, type: 'bvecRows', id: request.id, start: request.start, bvecs: held.slice(request.start, request.start + count) };
  }
}
