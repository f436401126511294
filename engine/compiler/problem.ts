/** Why a document does not compile. Codes are stable: the canvas translates them; `message` is the English fallback. */
export type ProblemCode =
  | 'unknown_type'
  | 'invalid_config'
  | 'check'
  | 'trigger_count'
  | 'unreachable'
  | 'output_unconnected'
  | 'output_ambiguous'
  | 'edge_dangling'
  | 'edge_to_trigger'
  | 'duplicate_id'
  | 'cycle_without_wait'
  | 'invalid_id'
  | 'too_large'
  | 'invalid_settings'
  | 'holdout_contact'
  | 'node_version';

export interface Problem {
  /** the node the problem belongs to; '' for journey-level problems (e.g. no trigger) */
  nodeId: string;
  /** dotted config path, e.g. `timeout.amount` */
  field?: string;
  /** the output concerned, for output and edge problems */
  output?: string;
  /** the edge concerned, for edge problems */
  edgeId?: string;
  code: ProblemCode;
  message: string;
}
