import ApiOutlined from '@ant-design/icons/es/icons/ApiOutlined';
import AppstoreOutlined from '@ant-design/icons/es/icons/AppstoreOutlined';
import BranchesOutlined from '@ant-design/icons/es/icons/BranchesOutlined';
import CalendarOutlined from '@ant-design/icons/es/icons/CalendarOutlined';
import CheckCircleOutlined from '@ant-design/icons/es/icons/CheckCircleOutlined';
import ClockCircleOutlined from '@ant-design/icons/es/icons/ClockCircleOutlined';
import EditOutlined from '@ant-design/icons/es/icons/EditOutlined';
import FieldTimeOutlined from '@ant-design/icons/es/icons/FieldTimeOutlined';
import ForkOutlined from '@ant-design/icons/es/icons/ForkOutlined';
import GiftOutlined from '@ant-design/icons/es/icons/GiftOutlined';
import MessageOutlined from '@ant-design/icons/es/icons/MessageOutlined';
import QuestionOutlined from '@ant-design/icons/es/icons/QuestionOutlined';
import SmileOutlined from '@ant-design/icons/es/icons/SmileOutlined';
import SolutionOutlined from '@ant-design/icons/es/icons/SolutionOutlined';
import StopOutlined from '@ant-design/icons/es/icons/StopOutlined';
import TagsOutlined from '@ant-design/icons/es/icons/TagsOutlined';
import TeamOutlined from '@ant-design/icons/es/icons/TeamOutlined';
import ThunderboltOutlined from '@ant-design/icons/es/icons/ThunderboltOutlined';
import TrophyOutlined from '@ant-design/icons/es/icons/TrophyOutlined';
import UploadOutlined from '@ant-design/icons/es/icons/UploadOutlined';
import { type ComponentType, type CSSProperties, useEffect, useState } from 'react';

type Icon = ComponentType<{ style?: CSSProperties }>;

/**
 * The icons the node types of this repository name (engine/nodes, docs/custom-nodes.md), bundled with the
 * canvas. A test holds this list to the node definitions.
 */
export const BUNDLED_ICONS: Record<string, Icon> = {
  ApiOutlined,
  AppstoreOutlined,
  BranchesOutlined,
  CalendarOutlined,
  CheckCircleOutlined,
  ClockCircleOutlined,
  EditOutlined,
  FieldTimeOutlined,
  ForkOutlined,
  GiftOutlined,
  MessageOutlined,
  QuestionOutlined,
  SmileOutlined,
  SolutionOutlined,
  StopOutlined,
  TagsOutlined,
  TeamOutlined,
  ThunderboltOutlined,
  TrophyOutlined,
  UploadOutlined,
};

// Any other Ant Design icon a project's own node names: the whole set (some 800 icons, a megabyte of source) in
// a chunk of its own, fetched the first time such a node is drawn — never for the built-in nodes. It works
// because the app imports each icon by its own path (`@ant-design/icons/es/icons/X`), never the barrel: a
// static barrel import would tie every page to this chunk (biome.json's noRestrictedImports holds to it).
let allIcons: Record<string, Icon> | null = null;
let loadingAll: Promise<unknown> | null = null;
const loadAllIcons = () => {
  // biome-ignore lint/style/noRestrictedImports: the one place the whole set is wanted, in a chunk of its own
  loadingAll ??= import('@ant-design/icons').then((m) => {
    allIcons = m as unknown as Record<string, Icon>;
  });
  return loadingAll;
};

/** Any Ant Design icon by name, so a new node type picks its icon in its definition, not here. */
export function NodeIcon({ name, style }: { name: string; style?: CSSProperties }) {
  const [, rerender] = useState(0);
  const known = BUNDLED_ICONS[name] ?? allIcons?.[name];
  useEffect(() => {
    if (known || allIcons) return;
    let live = true;
    loadAllIcons().then(
      () => live && rerender((n) => n + 1),
      () => {}, // offline: the placeholder icon stays
    );
    return () => {
      live = false;
    };
  }, [known]);
  const Icon = known ?? AppstoreOutlined;
  return <Icon style={style} />;
}
