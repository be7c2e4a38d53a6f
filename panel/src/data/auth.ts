import type { ApiClient } from './api-client.ts';

export interface AuthStatus { readonly configured: boolean; readonly authenticated: boolean; readonly media_folder?: { readonly path: string; readonly set_by_env: boolean } }
export interface LoginResult { readonly access_token: string; readonly token_type: 'bearer'; readonly expires_at: string }
export interface ApiKeyInfo { readonly exists: boolean; readonly prefix: string | null; readonly created_at: string | null }
export interface NewApiKey { readonly api_key: string; readonly prefix: string; readonly created_at: string }

export const authStatus = (api: ApiClient) => api.get<AuthStatus>('/api/auth/status');
export const setup = (api: ApiClient, input: { master_password: string; anime_directory?: string }) =>
  api.post<{ configured: true; anime_directory: string }>('/api/auth/setup', input);
export const login = (api: ApiClient, input: { password: string; remember: boolean }) => api.post<LoginResult>('/api/auth/login', input);
export const logout = (api: ApiClient) => api.post<{ success: true }>('/api/auth/logout');
export const changePassword = (api: ApiClient, input: { current_password: string; new_password: string }) =>
  api.post<{ success: true }>('/api/auth/password', input);
export const apiKeyInfo = (api: ApiClient) => api.get<ApiKeyInfo>('/api/auth/api-key');
export const rotateApiKey = (api: ApiClient) => api.post<NewApiKey>('/api/auth/api-key');
export const revokeApiKey = (api: ApiClient) => api.delete<void>('/api/auth/api-key');
