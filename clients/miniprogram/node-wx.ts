// `wx.request` and `wx.connectSocket` on Node's fetch and WebSocket (node --experimental-websocket
// on Node 20), so the mini-program client runs and is tested outside WeChat.
import type { Wx, WxSocketTask } from "./wx.ts";

export function nodeWx(): Wx {
  return {
    request(options) {
      const body = typeof options.data === "string" ? options.data : JSON.stringify(options.data ?? {});
      fetch(options.url, {
        method: options.method ?? "GET",
        headers: options.header,
        body: options.method === "POST" ? body : undefined,
      })
        .then(async (response) => {
          const text = await response.text();
          let data: unknown = text;
          if (options.dataType !== "text") {
            try {
              data = JSON.parse(text);
            } catch {
              data = text;
            }
          }
          options.success?.({
            data,
            statusCode: response.status,
            header: Object.fromEntries(response.headers.entries()),
          });
        })
        .catch((error: Error) => options.fail?.({ errMsg: `request:fail ${error.message}` }));
    },
    connectSocket(options): WxSocketTask {
      const socket = new WebSocket(options.url, options.protocols);
      return {
        send: ({ data }) => socket.send(data),
        close: ({ code, reason } = {}) => socket.close(code ?? 1000, reason),
        onOpen: (callback) =>
          socket.addEventListener("open", () => callback({ protocol: socket.protocol })),
        onClose: (callback) =>
          socket.addEventListener("close", (event) =>
            callback({ code: event.code, reason: event.reason }),
          ),
        onError: (callback) =>
          socket.addEventListener("error", () => callback({ errMsg: "connectSocket:fail" })),
        onMessage: (callback) =>
          socket.addEventListener("message", (event) => callback({ data: event.data as string })),
      };
    },
  };
}
