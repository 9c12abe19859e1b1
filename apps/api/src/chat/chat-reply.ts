import type { ChatEvent, ChatReply } from '@chat/contracts';
import { ApiError } from '../common/api-error';

/**
 * The answer of the non-streaming `POST /chat`, gathered from the event objects of the turn's
 * stream: the ids of `start`, the chunks joined, the lead as `done` left it, and whether the
 * notification went out. A turn that ended with an `error` event is that error.
 */
export class ChatReplyCollector {
  private readonly reply: ChatReply = {
    session_id: '',
    message_id: '',
    reply: '',
    data_collected: {},
    is_complete: false,
    missing_fields: [],
    email_sent: false,
  };
  private failure: ApiError | undefined;

  readonly collect = (event: ChatEvent): void => {
    switch (event.type) {
      case 'start':
        this.reply.session_id = event.session_id;
        this.reply.message_id = event.message_id;
        if (event.session_token) this.reply.session_token = event.session_token;
        break;
      case 'chunk':
        this.reply.reply += event.content;
        break;
      case 'done':
        this.reply.data_collected = event.data_collected;
        this.reply.is_complete = event.is_complete;
        this.reply.missing_fields = event.missing_fields;
        break;
      case 'email_sent':
        this.reply.email_sent = true;
        break;
      case 'error':
        this.failure = new ApiError(event.code, event.message);
        break;
    }
  };

  /** The reply, once the stream has ended; throws the error a failed turn ended with. */
  result(): ChatReply {
    if (this.failure) throw this.failure;
    return this.reply;
  }
}
