/** Strings of team servers: the sign-in screen, the signed-in account, connecting the desktop app. */
import type { Shape } from './shape';

export const teamAccountEn = {
  teamAccount: {
    signInTitle: 'Sign in to the team server',
    signInHint: 'Your manager gave you a name and a password for {{host}}.',
    name: 'Name',
    password: 'Password',
    signIn: 'Sign in',
    signingIn: 'Signing in…',
    signOut: 'Sign out',
    signedInAs: 'Signed in as {{name}} ({{role}})',
    insecure: 'This connection is not encrypted: use it only on this machine.',
    connect: 'Connect to team server…',
    connectHint: 'Open a project served by datum serve on your team’s server',
    serverUrl: 'https://server:port/',
    connectButton: 'Connect',
    badUrl: 'Use an https:// address (http:// only for this machine).',
  },
};

export const teamAccountZh: Shape<typeof teamAccountEn> = {
  teamAccount: {
    signInTitle: '登录团队服务器',
    signInHint: '请使用管理员为 {{host}} 分配的用户名和密码。',
    name: '用户名',
    password: '密码',
    signIn: '登录',
    signingIn: '正在登录…',
    signOut: '退出登录',
    signedInAs: '已登录：{{name}}（{{role}}）',
    insecure: '此连接未加密：仅限本机使用。',
    connect: '连接团队服务器…',
    connectHint: '打开团队服务器上由 datum serve 提供的项目',
    serverUrl: 'https://服务器:端口/',
    connectButton: '连接',
    badUrl: '请使用 https:// 地址（http:// 仅限本机）。',
  },
};
