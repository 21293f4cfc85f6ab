// Start `gongzhi serve --demo` on a free loopback port with its SQLite database in a temporary
// directory (GONGZHI_TRUSTED_DOCUMENTS=require, as in production for mini-programs), and stop it.
//   node scripts/demo-server.mjs COMMAND...   runs COMMAND with GONGZHI_URL set, then stops it
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

function python() {
  if (process.env.GONGZHI_PYTHON) return process.env.GONGZHI_PYTHON;
  const venv = join(repo, ".venv", "bin", "python");
  return existsSync(venv) ? venv : "python3";
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

export async function startDemoServer({ timeoutMs = 120_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "gongzhi-clients-"));
  const port = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("GONGZHI_")));
  const child = spawn(
    python(),
    ["-m", "gongzhi.cli", "serve", "--demo", "--host", "127.0.0.1", "--port", String(port)],
    {
      cwd: dir,
      env: {
        ...env,
        PYTHONPATH: repo,
        GONGZHI_DATABASE_URL: `sqlite://${join(dir, "gongzhi.sqlite3")}`,
        GONGZHI_UPLOAD_DIR: join(dir, "uploads"),
        GONGZHI_TRUSTED_DOCUMENTS: "require",
        // the tests sign in wrongly on purpose, all from 127.0.0.1
        GONGZHI_LOGIN_MAX_FAILURES: "100",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}/graphql`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (child.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`gongzhi serve --demo exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`gongzhi serve --demo did not answer within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, stop, output: () => output };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [command, ...args] = process.argv.slice(2);
  const server = await startDemoServer();
  console.log(`demo server on ${server.url}`);
  const child = spawn(command ?? "true", args, {
    stdio: "inherit",
    env: { ...process.env, GONGZHI_URL: server.url },
    shell: false,
  });
  const code = await new Promise((resolve) => child.once("exit", (c) => resolve(c ?? 1)));
  await server.stop();
  process.exit(code);
}
