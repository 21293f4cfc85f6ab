// A residents' mini-program client (居民小程序): trusted documents only.
//  - queries and mutations: `wx.request` POSTs `{documentId: "sha256:…", variables}` (no
//    query text: the server runs the document of schema/trusted-documents.json);
//  - subscriptions: graphql-ws over `wx.connectSocket` (WxWebSocket below), resumable from
//    the last cursor seen.
// Every request says `X-Client-Kind: mini-program`: with GONGZHI_TRUSTED_DOCUMENTS=require
// the server then refuses any other document (HTTP 400, PERSISTED_QUERY_REQUIRED).
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { createClient, type Client, type SubscribePayload } from "graphql-ws";
import type { ExecutionResult } from "graphql";
import { documentIds, type OperationName } from "../generated/documentIds.ts";
import {
  LoginDocument,
  type LoginMutation,
} from "../generated/graphql.ts";
import type { Wx, WxSocketTask } from "./wx.ts";

export const CLIENT_KIND = "mini-program";

/** The documentId of a generated typed document (by its operation name). */
export function documentIdOf(document: TypedDocumentNode<any, any>): string {
  const operation = document.definitions.find((d) => d.kind === "OperationDefinition");
  const name = operation && "name" in operation ? operation.name?.value : undefined;
  const id = name ? documentIds[name as OperationName] : undefined;
  if (!id) throw new Error(`${name ?? "an anonymous operation"} is not a trusted document`);
  return id;
}

export class GraphQLRequestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errors: readonly { message: string; extensions?: Record<string, unknown> }[],
  ) {
    super(errors.map((e) => `${e.extensions?.code ?? ""} ${e.message}`).join("; ") || `HTTP ${statusCode}`);
  }
  get codes(): unknown[] {
    return this.errors.map((e) => e.extensions?.code);
  }
}

/** graphql-ws wants a WebSocket class: this one runs on the mini-program socket API. */
export function wxWebSocket(wx: Wx): typeof WebSocket {
  class WxWebSocket {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readyState = WxWebSocket.CONNECTING;
    protocol = "";
    onopen: ((event: unknown) => void) | null = null;
    onclose: ((event: { code: number; reason: string }) => void) | null = null;
    onerror: ((event: unknown) => void) | null = null;
    onmessage: ((event: { data: string }) => void) | null = null;
    private task: WxSocketTask;

    constructor(url: string, protocols?: string | string[]) {
      const list = typeof protocols === "string" ? [protocols] : protocols;
      this.task = wx.connectSocket({ url, protocols: list });
      this.task.onOpen((result) => {
        this.readyState = WxWebSocket.OPEN;
        this.protocol = result.protocol ?? list?.[0] ?? "";
        this.onopen?.(result);
      });
      this.task.onMessage(({ data }) => {
        this.onmessage?.({ data: typeof data === "string" ? data : new TextDecoder().decode(data) });
      });
      this.task.onError((error) => this.onerror?.(error));
      this.task.onClose(({ code, reason }) => {
        this.readyState = WxWebSocket.CLOSED;
        this.onclose?.({ code, reason });
      });
    }

    send(data: string): void {
      this.task.send({ data });
    }

    close(code?: number, reason?: string): void {
      this.readyState = WxWebSocket.CLOSING;
      this.task.close({ code, reason });
    }
  }
  return WxWebSocket as unknown as typeof WebSocket;
}

export interface MiniProgramOptions {
  wx: Wx;
  /** e.g. https://api.example.cn/graphql (the WebSocket URL is the same with ws/wss) */
  url: string;
  /** street code (X-Tenant), for accounts of several streets */
  street?: string;
}

export class MiniProgramClient {
  accessToken?: string;
  private socket?: Client;

  constructor(private readonly options: MiniProgramOptions) {}

  /** Run a trusted query or mutation: only its documentId and variables are sent. */
  execute<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables?: TVariables,
  ): Promise<TData> {
    const header: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
      "x-client-kind": CLIENT_KIND,
    };
    if (this.accessToken) header.authorization = `Bearer ${this.accessToken}`;
    if (this.options.street) header["x-tenant"] = this.options.street;
    const data = { documentId: documentIdOf(document), variables: variables ?? {} };
    return new Promise((resolve, reject) => {
      this.options.wx.request({
        url: this.options.url,
        method: "POST",
        header,
        data,
        dataType: "json",
        success: ({ statusCode, data: body }) => {
          const result = body as ExecutionResult<TData>;
          if (statusCode !== 200 || result.errors?.length || !result.data) {
            reject(new GraphQLRequestError(statusCode, (result?.errors ?? []) as never));
          } else {
            resolve(result.data);
          }
        },
        fail: ({ errMsg }) => reject(new Error(errMsg)),
      });
    });
  }

  /** Sign in; a refused login comes back as its typed error (code, field, message). */
  async login(username: string, password: string): Promise<LoginMutation["login"]> {
    const { login } = await this.execute(LoginDocument, { username, password });
    if (login.__typename === "LoginSuccess") this.accessToken = login.accessToken;
    return login;
  }

  /** Follow a trusted subscription; returns a function that stops it. */
  subscribe<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    sink: { next(data: TData): void; error?(error: unknown): void; complete?(): void },
  ): () => void {
    this.socket ??= createClient({
      url: this.options.url.replace(/^http/, "ws"),
      webSocketImpl: wxWebSocket(this.options.wx),
      lazy: true,
      connectionParams: () => ({
        authorization: `Bearer ${this.accessToken}`,
        tenant: this.options.street,
        clientKind: CLIENT_KIND,
      }),
    });
    // No query text (graphql-ws wants a string: an empty one): the server fills in the
    // trusted document named by documentId.
    const payload = { query: "", documentId: documentIdOf(document), variables } as SubscribePayload;
    return this.socket.subscribe<TData>(payload, {
      next: (result) => {
        if (result.data) sink.next(result.data);
        else sink.error?.(new GraphQLRequestError(200, (result.errors ?? []) as never));
      },
      error: (error) => sink.error?.(error),
      complete: () => sink.complete?.(),
    });
  }

  /** Close the socket (the mini-program went to the background); subscribe again to resume. */
  async disconnect(): Promise<void> {
    await this.socket?.dispose();
    this.socket = undefined;
  }
}
