/**
 * Explicit target names of a Makefile with the line each is first defined on. Pattern
 * rules, special targets (`.PHONY`), variable assignments and recipe lines are ignored;
 * targets that only exist through `include` or variables are not seen.
 */
export function parseMakefileTargets(text: string): Map<string, number> {
  const targets = new Map<string, number>();
  text.split('\n').forEach((line, index) => {
    if (/^\s/.test(line) || line.startsWith('#')) return;
    const rule = /^([^:#=]+?)\s*::?(?!=)/.exec(line);
    if (!rule?.[1]) return;
    for (const name of rule[1].trim().split(/\s+/)) {
      if (name.startsWith('.') || name.includes('%') || name.includes('$')) continue;
      if (!targets.has(name)) targets.set(name, index + 1);
    }
  });
  return targets;
}
