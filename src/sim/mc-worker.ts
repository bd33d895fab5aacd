/**
 * A worker thread of the Monte Carlo planner (monte-carlo.ts): gets the base scenario and options once
 * (workerData), then run indices one at a time; builds each run's attack from its seed, simulates it and
 * sends back only the run's record.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { planRun, type FromWorker, type ToWorker, type WorkerData } from './monte-carlo.js';

const port = parentPort;
if (!port) throw new Error('mc-worker.js runs as a worker thread of the planner');
const data = workerData as WorkerData;

port.on('message', (msg: ToWorker) => {
  if ('stop' in msg) {
    port.close();
    return;
  }
  let reply: FromWorker;
  try {
    reply = { run: msg.run, record: planRun(data.base, msg.run, data.seed, data.attack) };
  } catch (err) {
    reply = { run: msg.run, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply);
});
