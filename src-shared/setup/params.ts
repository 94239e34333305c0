// Checks a built-in function's parameters where they are written (inline
// `config:`, FunctionConfigs, a config file), so each problem points at its line.
import { isCollection, isMap, type Node } from 'yaml';
import { checkParamValue, type BuiltinSpec } from '../builtins/catalog';
import { didYouMean } from './didyoumean';
import type { YamlSource } from './source';
import type { KeyPath, Problem } from './types';

/** Keys the engine itself adds to every function's config; never "unknown". */
export const ENGINE_CONFIG_KEYS: readonly string[] = ['directory_prefix'];

/**
 * Reports unknown parameters (warning, with did-you-mean) and values of the
 * wrong type or out of range (error) in one parameter mapping of a built-in.
 * `who` names the function for messages, e.g. "Fkt_2 (builtin:filters/lifetime)".
 */
export function checkBuiltinParams(
  spec: BuiltinSpec,
  src: YamlSource,
  node: Node | null,
  path: KeyPath,
  who: string,
  problems: Problem[],
): void {
  if (!isMap(node)) return;
  const names = spec.params.map((p) => p.name);
  for (const e of src.entries(node, path, problems)) {
    const at = [...path, e.key];
    const param = spec.params.find((p) => p.name === e.key);
    if (!param) {
      if (ENGINE_CONFIG_KEYS.includes(e.key)) continue;
      const guess = didYouMean(e.key, names);
      const list = names.length ? ` Its parameters: ${names.join(', ')}.` : ' It takes no parameters.';
      problems.push(
        src.problem(
          'warning',
          e.keyNode,
          at,
          `${who} has no parameter "${e.key}"; it is ignored.${guess ? ` Did you mean "${guess}"?` : list}`,
          { code: 'unknown-param', suggestion: guess },
        ),
      );
      continue;
    }
    const value = src.toJS(e.value);
    const wrong = checkParamValue(param, value);
    if (wrong) {
      const fallback = param.default === undefined ? '' : ` Fix it, or delete the line to use the default (${JSON.stringify(param.default)}${param.unit ? ` ${param.unit}` : ''}).`;
      const choices = param.type === 'enum' && typeof value === 'string' ? didYouMean(value, param.choices ?? []) : undefined;
      problems.push(
        src.problem(
          'error',
          e.merged || e.raw === null || (isCollection(e.raw) && !e.raw.flow) ? e.keyNode : e.raw,
          at,
          `${e.key} of ${who} ${wrong}${src.aliasNote(e.raw)}.${choices ? ` Did you mean "${choices}"?` : ''}${fallback}`,
          { code: 'bad-param', suggestion: choices },
        ),
      );
    }
  }
}
