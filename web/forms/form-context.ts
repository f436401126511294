import { createContext, useContext } from 'react';

/** What every widget may need beyond its own value: the whole config (for previews), errors by path, read-only. */
export interface FormEnv {
  config: Record<string, unknown>;
  errors: Map<string, string[]>;
  readOnly: boolean;
  nodeId: string;
}

export const FormEnvContext = createContext<FormEnv>({
  config: {},
  errors: new Map(),
  readOnly: false,
  nodeId: '',
});

export const useFormEnv = () => useContext(FormEnvContext);
