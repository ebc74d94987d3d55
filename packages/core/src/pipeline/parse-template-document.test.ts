import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../errors/diagnostic.js';
import { parseTemplateDocument } from './parse-template-document.js';
import { FULL_TEMPLATE } from './test-samples.js';

describe('parseTemplateDocument', () => {
  it('reads a template and records the SHA-256 of its text', () => {
    const result = parseTemplateDocument('ci/node-test.yml', FULL_TEMPLATE);
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    expect(result.value.file).toBe('ci/node-test.yml');
    expect(result.value.sha256).toBe(createHash('sha256').update(FULL_TEMPLATE).digest('hex'));
    expect(result.value.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.value.spec).toEqual({
      description: 'Runs the tests of a Node.js package.',
      inputs: {
        'node-version': { type: 'number', default: 20, description: 'Major version of Node.js.' },
        script: { required: true },
      },
      task: {
        image: 'node:${{ inputs.node-version }}',
        env: { NODE_OPTIONS: '--max-old-space-size=4096' },
        timeout: '15m',
        retries: 1,
        reports: ['junit.xml'],
        steps: ['npm ci', 'npm run "$INPUT_SCRIPT"'],
      },
    });
    expect(result.value.source.locate(['task', 'steps', 1])).toEqual({ line: 18, column: 7 });
  });

  it('refuses keys that belong to the using task, such as needs and uses', () => {
    const result = parseTemplateDocument(
      't.yml',
      'task:\n  needs: build\n  uses: ./other.yml\n  steps: [make]\ninputs:\n  v: {type: text}\n',
    );
    expect(result.ok ? [] : result.diagnostics.map(formatDiagnostic)).toEqual([
      't.yml:2:3: task.needs: unknown key "needs"; the keys allowed here are image, runs-on, env, ' +
        'timeout, retries, results, reports, artifacts, steps',
      't.yml:3:3: task.uses: unknown key "uses"; the keys allowed here are image, runs-on, env, ' +
        'timeout, retries, results, reports, artifacts, steps',
      't.yml:6:7: inputs.v.type: must be one of "string", "number" or "boolean" (got "text")',
    ]);
  });

  it('asks for the task key', () => {
    const result = parseTemplateDocument('t.yml', 'description: nothing yet\n');
    expect(result.ok ? [] : result.diagnostics.map(formatDiagnostic)).toEqual([
      't.yml:1:1: task: add the required key "task" (a mapping)',
    ]);
  });
});
