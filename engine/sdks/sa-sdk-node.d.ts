/** The part of sa-sdk-node (Sensors Data's Node SDK, no types of its own) the integration test drives. */
declare module 'sa-sdk-node' {
  export default class SensorsAnalytics {
    track(distinctId: string, event: string, properties?: Record<string, unknown>): void;
    trackSignup(distinctId: string, originalId: string, properties?: Record<string, unknown>): void;
    profileSet(distinctId: string, properties: Record<string, unknown>): void;
    profileSetOnce(distinctId: string, properties: Record<string, unknown>): void;
    profileIncrement(distinctId: string, properties: Record<string, number>): void;
    profileAppend(distinctId: string, properties: Record<string, string[]>): void;
    profileUnset(distinctId: string, keys: string[]): void;
    submitTo(
      options: { url: string; gzip?: boolean; mode?: 'track' | 'debug' | 'dryRun'; timeout?: number },
      batch?: { count?: number; timeSpan?: number },
    ): { catch(callback: (err: Error) => void): void };
    onCompleted(): void;
  }
}
