import type { Shape } from './shape';

/** The import form of the Models tab: plan, graph, sample check (renderer/panels/models/ModelImport.tsx). */
export const modelImportEn = {
  modelImport: {
    manifest: 'Partial manifest (JSON, merged onto the preset)',
    manifestPlaceholder: '{"thresholds": {"score": 0.5}}',
    badJson: 'Not valid JSON: {{message}}',
    notObject: 'A manifest is a JSON object',
    check: 'Check',
    add: 'Add to library',
    checking: 'Running the model on a sample image…',
    problems: 'Does not fit',
    notes: 'From the graph',
    graph: 'What the graph declares',
    input: 'input',
    output: 'output',
    effective: 'Manifest that will be saved',
    sample: 'Sample check on {{name}}: {{count}} predictions ≥ {{threshold}} (best score {{best}})',
    sampleNone: 'none',
    sampleOk: 'Nothing looks wrong on this image.',
    more: '+{{count}} more',
  },
} as const;

export const modelImportZh: Shape<typeof modelImportEn> = {
  modelImport: {
    manifest: '部分清单（JSON，合并到预设之上）',
    manifestPlaceholder: '{"thresholds": {"score": 0.5}}',
    badJson: '不是有效的 JSON：{{message}}',
    notObject: '清单必须是 JSON 对象',
    check: '检查',
    add: '加入模型库',
    checking: '正在样例图像上运行模型…',
    problems: '不匹配',
    notes: '取自计算图',
    graph: '计算图声明的输入输出',
    input: '输入',
    output: '输出',
    effective: '将保存的清单',
    sample: '在 {{name}} 上的样例检查：{{count}} 个预测 ≥ {{threshold}}（最高分 {{best}}）',
    sampleNone: '无',
    sampleOk: '此图像上未发现异常。',
    more: '另有 {{count}} 个',
  },
};
