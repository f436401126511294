import { BaseEdge, type EdgeProps, getSmoothStepPath, useNodes } from '@xyflow/react';
import { memo } from 'react';
import { obstacle, roundedPath, routeDown } from './edge-route';
import { NODE_W } from './use-flow-editor';

/**
 * The canvas edge: a step line that turns in the gaps between rows and goes around nodes (see routeDown)
 * instead of React Flow's step edge, which always turns half-way and so runs behind a node in a row it skips.
 */
function JourneyEdgeImpl({
  source,
  target,
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
  style,
  markerEnd,
  markerStart,
  interactionWidth,
}: EdgeProps) {
  const nodes = useNodes();
  const rects = nodes
    .filter((n) => n.id !== source && n.id !== target)
    .map((n) => obstacle(n.position.x, n.position.y, n.measured?.width ?? NODE_W, n.measured?.height ?? 84));
  const route = routeDown([sourceX, sourceY], [targetX, targetY], rects);
  const path = route
    ? roundedPath(route)
    : getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition })[0];
  return (
    <BaseEdge
      path={path}
      style={style}
      markerEnd={markerEnd}
      markerStart={markerStart}
      interactionWidth={interactionWidth}
    />
  );
}

export const JourneyEdge = memo(JourneyEdgeImpl);
