import cluster from "node:cluster";
import http from "node:http";
import { availableParallelism } from "node:os";
import next from "next";
import { markSocketAddressHeader, SOCKET_ADDRESS_HEADER } from "@/lib/auth/client-ip";
import { readEnv } from "@/lib/env";

// The production web server: `next start`'s request handler in WEB_CONCURRENCY processes sharing
// one port (Node's cluster module hands connections out round-robin). Rendering is JavaScript and
// one process uses one core; the web tier is stateless, so a process per core is how a machine's
// cores serve pages. Flags: --port, --host. WEB_CONCURRENCY defaults to the number of cores.

const flag = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const port = Number(flag("port", "3000"));
const hostname = flag("host", "127.0.0.1");
const processes = readEnv().WEB_CONCURRENCY ?? Math.min(availableParallelism(), 16);

if (cluster.isPrimary && processes > 1) {
  for (let i = 0; i < processes; i++) cluster.fork();
  let ready = 0;
  cluster.on("message", (_worker, message) => {
    if (message === "ready" && ++ready === processes)
      console.log(`✓ Ready in ${processes} processes on http://${hostname}:${port}`);
  });
  // A process that dies is replaced, unless the whole server is stopping.
  let stopping = false;
  cluster.on("exit", () => {
    if (!stopping) cluster.fork();
  });
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.kill("SIGTERM");
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} else {
  const app = next({ dev: false, dir: process.cwd(), hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  // The app learns the peer's address only from this header (lib/auth/client-ip.ts): whatever a
  // client sent under its name is replaced.
  markSocketAddressHeader();
  const server = http.createServer((req, res) => {
    delete req.headers[SOCKET_ADDRESS_HEADER];
    if (req.socket.remoteAddress) req.headers[SOCKET_ADDRESS_HEADER] = req.socket.remoteAddress;
    void handle(req, res);
  });
  server.listen(port, hostname, () => {
    if (process.send) process.send("ready");
    else console.log(`✓ Ready on http://${hostname}:${port}`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
