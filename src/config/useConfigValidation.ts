import { useMemo } from 'react';
import { canonicalYaml, formatPath, validateConfigText } from '../../backend/config/model';

export interface ValidationView {
  valid: boolean;
  problems: Array<{ path: string; message: string }>;
  canonical?: string;
}

/**
 * Validates configuration text with the agent's own schema, in the browser: the editor
 * shows exactly the problems the agent would report, with the same paths.
 */
export function useConfigValidation(text: string): ValidationView {
  return useMemo(() => {
    if (text.trim() === '') {
      return { valid: false, problems: [] };
    }
    const result = validateConfigText(text);
    if (!result.ok) {
      return { valid: false, problems: result.problems.map((p) => ({ path: formatPath(p.path), message: p.message })) };
    }
    return { valid: true, problems: [], canonical: canonicalYaml(result.config) };
  }, [text]);
}
