import type { Shape } from './shape';

/** Project settings and consent for source folders outside the project folder. */
export const projectEn = {
  sources: {
    consentTitle: 'Allow access to folders outside the project?',
    consentBody: 'This project’s datum.json names {{count}} source folder(s) outside the project folder. Datum will not read them unless you allow it. Only allow folders you expect this dataset to use.',
    consentAllow: 'Allow access',
    consentDecline: 'Not now',
    pendingNotice: '{{count}} source folder(s) outside the project are not read. Review them in Settings.',
    settingsTab: 'Settings',
    settingsTitle: 'Project settings',
    projectFolder: 'Project folder',
    outside: 'Source folders outside the project',
    none: 'All sources are inside the project folder.',
    statusGranted: 'Allowed',
    statusAllowed: 'Allowed for this run (--allow)',
    statusPending: 'Not allowed',
    revoke: 'Revoke',
    allow: 'Allow',
  },
};

export const projectZh: Shape<typeof projectEn> = {
  sources: {
    consentTitle: '允许访问项目文件夹以外的文件夹？',
    consentBody: '此项目的 datum.json 列出了 {{count}} 个位于项目文件夹以外的数据源文件夹。未经你允许，Datum 不会读取它们。请只允许你确认此数据集需要使用的文件夹。',
    consentAllow: '允许访问',
    consentDecline: '暂不',
    pendingNotice: '项目以外的 {{count}} 个数据源文件夹未被读取。可在“设置”中查看。',
    settingsTab: '设置',
    settingsTitle: '项目设置',
    projectFolder: '项目文件夹',
    outside: '项目以外的数据源文件夹',
    none: '所有数据源都在项目文件夹内。',
    statusGranted: '已允许',
    statusAllowed: '仅本次运行允许（--allow）',
    statusPending: '未允许',
    revoke: '撤销',
    allow: '允许',
  },
};
