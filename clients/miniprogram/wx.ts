// The part of a WeChat-style mini-program API (wx.request, wx.connectSocket) the client uses,
// with the shapes the mini-program runtime gives them.
export interface WxRequestSuccess {
  data: unknown;
  statusCode: number;
  header: Record<string, string>;
}

export interface WxRequestOptions {
  url: string;
  method?: "GET" | "POST";
  data?: string | Record<string, unknown>;
  header?: Record<string, string>;
  dataType?: "json" | "text";
  timeout?: number;
  success?: (result: WxRequestSuccess) => void;
  fail?: (error: { errMsg: string }) => void;
}

export interface WxSocketTask {
  send(options: { data: string; fail?: (error: { errMsg: string }) => void }): void;
  close(options?: { code?: number; reason?: string }): void;
  onOpen(callback: (result: { header?: Record<string, string>; protocol?: string }) => void): void;
  onClose(callback: (result: { code: number; reason: string }) => void): void;
  onError(callback: (error: { errMsg: string }) => void): void;
  onMessage(callback: (message: { data: string | ArrayBuffer }) => void): void;
}

export interface WxConnectSocketOptions {
  url: string;
  header?: Record<string, string>;
  protocols?: string[];
  timeout?: number;
}

export interface Wx {
  request(options: WxRequestOptions): unknown;
  connectSocket(options: WxConnectSocketOptions): WxSocketTask;
}
