/** One request the hostile endpoint received, as its handler sees it. */
export interface HostileRequest {
  /** The operation named by `X-Amz-Target`, e.g. `BatchGetSecretValue`. */
  action: string;
  /** The JSON body (an empty object when the body is not a JSON object). */
  input: Record<string, unknown>;
  /** The region of the request's SigV4 credential scope, when signed. */
  region: string | undefined;
  /** 0 for the first request this endpoint received, then 1, 2, … */
  index: number;
  /** The request as received, for handlers that forward it (see `forwardTo`). */
  raw: { method: string; url: string; headers: Record<string, string>; body: Buffer };
}

/**
 * How the endpoint answers one request. `body` is sent as JSON (`raw` as given, for bodies that are not JSON);
 * `trickle` sends the headers at once, then the body `chunkBytes` at a time every `intervalMs`;
 * `delayMs` waits before anything is sent; `drop` destroys the socket without an answer.
 */
export interface HostileAnswer {
  status?: number;
  body?: unknown;
  raw?: string;
  /** An AWS error code, sent as `x-amzn-errortype` (and as `__type` when `body` is not given). */
  errorType?: string;
  delayMs?: number;
  trickle?: { intervalMs: number; chunkBytes?: number };
  drop?: boolean;
}

/** Decides the answer to one request. */
export type HostileHandler = (request: HostileRequest) => HostileAnswer | Promise<HostileAnswer>;

/** What became of one answer: how much was sent and whether the client hung up first. */
export interface HostileResponseRecord {
  action: string;
  /** Body bytes written before the answer ended or the client closed the connection. */
  bytesSent: number;
  /** Body bytes the answer had. */
  bytesTotal: number;
  /** True when the client closed the connection before the whole body was sent. */
  closedByClient: boolean;
}

/** A running hostile endpoint. */
export interface HostileEndpoint {
  /** `http://127.0.0.1:PORT`. */
  endpoint: string;
  region: string;
  accountId: string;
  /** Any credentials do: the hostile endpoint does not check signatures. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  readonly requests: HostileRequest[];
  readonly responses: HostileResponseRecord[];
  /** Replaces the handler for the following requests, and clears the request and response logs. */
  setHandler(handler: HostileHandler): void;
  /** Resolves once `count` answers have ended (sent whole, or cut by the client). */
  settled(count: number): Promise<void>;
  close(): Promise<void>;
}
