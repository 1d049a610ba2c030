/** `POST /v1/stream-tickets` takes no fields (an empty body or `{}`); the ticket stands for the caller's token. */
export class StreamTicketDto {}
