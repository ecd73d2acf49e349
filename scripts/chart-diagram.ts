/**
 * Draws an XState chart as a Mermaid `stateDiagram-v2`, generically, from the machine object
 * itself (its states, initial states, tags, `on`, `after` and `always` transitions, guards): a
 * chart restructured tomorrow is drawn as it then is, with no list to keep in step.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';

/** A Mermaid id for a state node: its path below the root, `_`-joined. */
function nodeId(node: AnyStateNode): string {
  return node.path.join('_');
}

function guardLabel(guard: unknown): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    if ('guards' in guard && Array.isArray(guard.guards)) {
      const parts = guard.guards.map((g: unknown) => guardLabel(g) ?? 'condition');
      return parts.join(guard.name === 'or' ? ' or ' : guard.name === 'not' ? ' not ' : ' and ');
    }
    // An inline function: its code is the only name it has.
    return 'condition';
  }
  if (typeof guard === 'object' && 'type' in guard && typeof guard.type === 'string') return guard.type;
  return 'condition';
}

function eventLabel(eventType: string, delays: ReadonlyMap<string, string>): string {
  if (eventType === '') return 'always';
  const delay = delays.get(eventType);
  if (delay !== undefined) return `after ${delay}`;
  return eventType;
}

interface Edge {
  from: AnyStateNode;
  to: AnyStateNode;
  label: string;
}

function edgesOf(node: AnyStateNode): Edge[] {
  const delays = new Map<string, string>(node.after.map((a) => [a.eventType, String(a.delay)]));
  const edges: Edge[] = [];
  const transitions = [...node.transitions.entries(), ...(node.always ? ([['', node.always]] as const) : [])];
  for (const [eventType, candidates] of transitions) {
    for (const transition of candidates) {
      const guard = guardLabel(transition.guard);
      const label = [eventLabel(eventType, delays), guard && `[${guard}]`, transition.reenter && '(re-enter)'].filter(Boolean).join(' ');
      const targets = transition.target ?? [node];
      for (const to of targets) edges.push({ from: node, to, label });
    }
  }
  return edges;
}

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => allNodes(child))];
}

/** The innermost state both ends are inside (the root when none is), where Mermaid draws the edge. */
function commonParent(a: AnyStateNode, b: AnyStateNode): AnyStateNode | undefined {
  let parent = a.parent;
  while (parent && !(b.path.length > parent.path.length && parent.path.every((p: string, i: number) => b.path[i] === p)))
    parent = parent.parent;
  return parent;
}

export function mermaidStateDiagram(machine: AnyStateMachine): string {
  const root = machine.root;
  const nodes = allNodes(root).filter((n) => n !== root);
  // Two transitions that draw the same (same ends, same label) are one arrow.
  const seen = new Set<string>();
  const edges = nodes.flatMap(edgesOf).filter((e) => {
    const key = `${e.from.id}|${e.to.id}|${e.label}`;
    return !seen.has(key) && seen.add(key) !== undefined;
  });
  const edgesIn = (parent: AnyStateNode) => edges.filter((e) => (commonParent(e.from, e.to) ?? root) === parent);
  const lines: string[] = ['stateDiagram-v2'];

  function draw(parent: AnyStateNode, indent: string): void {
    const initial = parent.initial?.target ?? [];
    for (const target of initial) lines.push(`${indent}[*] --> ${nodeId(target)}`);
    for (const child of Object.values(parent.states)) {
      const id = nodeId(child);
      const tags = child.tags.length > 0 ? ` (${child.tags.join(', ')})` : '';
      if (Object.keys(child.states).length > 0) {
        lines.push(`${indent}state "${child.key}${tags}" as ${id} {`);
        draw(child, `${indent}  `);
        lines.push(`${indent}}`);
      } else {
        lines.push(`${indent}state "${child.key}${tags}" as ${id}`);
      }
      if (child.type === 'final') lines.push(`${indent}${id} --> [*]`);
    }
    for (const edge of edgesIn(parent)) lines.push(`${indent}${nodeId(edge.from)} --> ${nodeId(edge.to)} : ${edge.label}`);
  }

  draw(root, '  ');
  return `${lines.join('\n')}\n`;
}
