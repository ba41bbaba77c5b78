/** The LiDAR sub-views (top / side / front of the selected cuboid): hints and their gestures in the shortcuts dialog. */
import type { Shape } from './shape';

export const subviewEn = {
  subview: {
    section: 'LiDAR sub-views (top / side / front)',
    hint: 'Drag an edge or corner to move faces (1 cm steps), inside to move, the round handle to turn. Ctrl while dragging a face, or a double-click on it, fits the face to the points. Wheel zooms, drag outside the box pans, double-click outside resets. Numbers beside a face: points within 0.15 m inside it.',
    faceCounts: 'Points within 0.15 m inside each face: front {{front}}, back {{back}}, left {{left}}, right {{right}}, top {{top}}, bottom {{bottom}}',
    noSnap: 'Too few points to fit that face to',
  },
  shortcutsSubview: {
    face: 'Sub-view: drag an edge (or a corner: two faces) to move that face; the opposite face stays',
    snap: 'Sub-view: fit the face to the outermost points (ground and strays ignored)',
    zoom: 'Sub-view: zoom about the cursor',
    pan: 'Sub-view: pan (drag outside the box, or with the right / middle button)',
    reset: 'Sub-view: reset zoom and pan',
  },
};

export const subviewZh: Shape<typeof subviewEn> = {
  subview: {
    section: '激光雷达子视图（俯视 / 侧视 / 前视）',
    hint: '拖动边或角移动面（1 厘米步长），拖动框内移动，拖动圆形手柄旋转。拖动面时按住 Ctrl，或双击该面，使面贴合点云。滚轮缩放，框外拖动平移，框外双击复位。面旁的数字：面内侧 0.15 米内的点数。',
    faceCounts: '各面内侧 0.15 米内的点数：前 {{front}}，后 {{back}}，左 {{left}}，右 {{right}}，顶 {{top}}，底 {{bottom}}',
    noSnap: '点太少，无法使该面贴合',
  },
  shortcutsSubview: {
    face: '子视图：拖动边（或角：两个面）移动该面，对面保持不动',
    snap: '子视图：使面贴合最外侧的点（忽略地面与离散点）',
    zoom: '子视图：以光标为中心缩放',
    pan: '子视图：平移（在框外拖动，或用右键 / 中键）',
    reset: '子视图：复位缩放与平移',
  },
};
