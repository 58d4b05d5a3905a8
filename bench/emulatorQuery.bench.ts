// The emulator's query engine on its 500,000-row benchmark table (what the query grid bench and the
// demo ask it for): wall and CPU time of one `take 500000` over 8 columns. Figures only.
import { createQueryEngine } from '../test/emulator/query';
import { kqlTestScenario } from '../test/emulator/query/fixtures';

export default function bench(): Promise<void> {
  const now = new Date('2026-11-23T10:00:00Z');
  const engine = createQueryEngine(kqlTestScenario, { seed: 42, now: () => now });
  const benchmark = engine.components.find((c) => c.benchmark);
  if (!benchmark) throw new Error('the test scenario has no benchmark component');
  const query =
    'requests | project timestamp, name, url, success, resultCode, duration, cloud_RoleName, operation_Id | take 500000';
  for (const run of ['first (builds the table)', 'second']) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const answer = engine.run({ scope: { kind: 'appInsights', componentId: benchmark.componentId }, query });
    const used = process.cpuUsage(cpu);
    const elapsed = performance.now() - started;
    const rows = answer.status === 200 ? (answer.body.tables[0]?.rows.length ?? 0) : 0;
    console.log(
      `emulator query, ${run}: ${rows.toLocaleString('en')} rows x 8 columns in ${elapsed.toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`,
    );
  }
  return Promise.resolve();
}
