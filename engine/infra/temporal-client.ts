import {
  Client,
  Connection,
  type ConnectionOptions,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
} from '@temporalio/client';

/**
 * Connection options for the API: a request that needs Temporal fails fast (about a second of retries,
 * not the SDK's default ~20 s) so the sender gets a 503 promptly; the stored event is finished later.
 */
export function apiConnectionOptions(address: string): ConnectionOptions {
  return {
    address,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 4 }))],
  };
}

export async function connectTemporalClient(address: string, namespace: string) {
  const connection = await Connection.connect(apiConnectionOptions(address));
  return { connection, client: new Client({ connection, namespace }) };
}

/** Whether a Temporal client call failed because the server could not be reached (gRPC UNAVAILABLE, a connection error). */
export function isTemporalUnavailable(err: unknown): boolean {
  const e = err as { name?: string; code?: number };
  return e?.name === 'ServiceError' || e?.name === 'ConnectionError' || e?.code === 14;
}
