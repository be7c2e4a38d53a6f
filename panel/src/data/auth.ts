import type { ApiKeyCreated, ApiKeyInfo, AuthStatus, LoginResult } from '../../../contract/index.ts';
import type { ApiClient } from './api-client.ts';

/** The wire shapes are the contract's (`contract/auth.ts`). */
export type { AuthStatus, LoginResult } from '../../../contract/index.ts';
export type { ApiKeyInfo, ApiKeyCreated as NewApiKey } from '../../../contract/index.ts';

export const authStatus = (api: ApiClient) => api.get<AuthStatus>('/api/auth/status');
export const setup = (api: ApiClient, input: { master_password: string; anime_directory?: string }) =>
  api.post<{ configured: true; anime_directory: string }>('/api/auth/setup', input);
export const login = (api: ApiClient, input: { password: string; remember: boolean }) => api.post<LoginResult>('/api/auth/login', input);
export const logout = (api: ApiClient) => api.post<{ success: true }>('/api/auth/logout');
export const changePassword = (api: ApiClient, input: { current_password: string; new_password: string }) =>
  api.post<{ success: true }>('/api/auth/password', input);
export const apiKeyInfo = (api: ApiClient) => api.get<ApiKeyInfo>('/api/auth/api-key');
export const rotateApiKey = (api: ApiClient) => api.post<ApiKeyCreated>('/api/auth/api-key');
export const revokeApiKey = (api: ApiClient) => api.delete<void>('/api/auth/api-key');
