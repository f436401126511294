import * as Icons from '@ant-design/icons';
import type { ComponentType, CSSProperties } from 'react';

const registry = Icons as unknown as Record<string, ComponentType<{ style?: CSSProperties }>>;

/** Any Ant Design icon by name, so a new node type picks its icon in its definition, not here. */
export function NodeIcon({ name, style }: { name: string; style?: CSSProperties }) {
  const Icon = registry[name] ?? registry.AppstoreOutlined;
  return <Icon style={style} />;
}
