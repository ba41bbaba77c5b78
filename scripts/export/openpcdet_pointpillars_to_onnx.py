"""
Export an OpenPCDet PointPillars checkpoint to the ONNX layout Datum's `pointpillars` adapter reads
(the CUDA-PointPillars signature, with the pillar scatter in standard ONNX operators so ONNX Runtime
can run it):

  inputs   voxels      float32 [V, 32, 10]  x y z intensity, offsets to the pillar mean (3) and to
                                            the pillar centre (3); unused rows zero (Datum computes it)
           voxel_num   int32   [1]          pillars in use (rows past it are ignored)
           voxel_idxs  int32   [V, 4]       batch (0), z, y, x of each pillar
  outputs  cls_preds     [1, H, W, A*C]     class logits (no sigmoid)
           box_preds     [1, H, W, A*7]     box residuals (OpenPCDet ResidualCoder)
           dir_cls_preds [1, H, W, A*2]     direction logits

UNTESTED IN DATUM'S REPOSITORY: no OpenPCDet, PyTorch or checkpoint can be installed there. The
adapter is tested on a synthetic graph with exactly this signature (see docs/models.md). Run it
inside an OpenPCDet checkout (tools/ as the working directory), e.g.

  python openpcdet_pointpillars_to_onnx.py --cfg_file cfgs/kitti_models/pointpillar.yaml \
      --ckpt pointpillar_7728.pth --out pointpillars.onnx --max_voxels 40000

then `datum models import pointpillars.onnx --preset pointpillars` (the preset is this config's grid,
anchors and classes; for another config write a manifest, docs/models.md).

Why not NVIDIA's CUDA-PointPillars tool/exporter.py as is: it replaces the scatter by a TensorRT
plugin (PPScatterPlugin / ScatterBEV) that ONNX Runtime does not have. This script keeps OpenPCDet's
own modules and scatters with scatter_add (ONNX ScatterElements, reduction add, opset 16).
"""
import argparse

import torch

from pcdet.config import cfg, cfg_from_yaml_file
from pcdet.datasets import DatasetTemplate
from pcdet.models import build_network
from pcdet.utils import common_utils


class PillarsToHead(torch.nn.Module):
    def __init__(self, model, max_voxels):
        super().__init__()
        self.pfn_layers = model.vfe.pfn_layers  # PillarVFE's PFN layers (take the 10 features)
        self.backbone_2d = model.backbone_2d
        self.head = model.dense_head
        scatter = model.map_to_bev_module  # PointPillarScatter
        self.nx, self.ny, self.nz = scatter.nx, scatter.ny, scatter.nz
        self.channels = scatter.num_bev_features
        self.max_voxels = max_voxels

    def forward(self, voxels, voxel_num, voxel_idxs):
        x = voxels
        for pfn in self.pfn_layers:
            x = pfn(x)
        features = x.squeeze(1)  # [V, C]
        live = (torch.arange(self.max_voxels, device=voxels.device) < voxel_num.long()).to(features.dtype)
        features = features * live.unsqueeze(1)  # padding rows add nothing
        idx = voxel_idxs[:, 1].long() + voxel_idxs[:, 2].long() * self.nx + voxel_idxs[:, 3].long()
        canvas = torch.zeros(self.channels, self.nz * self.ny * self.nx, dtype=features.dtype, device=features.device)
        canvas = canvas.scatter_add(1, idx.unsqueeze(0).expand(self.channels, -1), features.t())
        spatial = canvas.view(1, self.channels * self.nz, self.ny, self.nx)
        x = self.backbone_2d({'spatial_features': spatial})['spatial_features_2d']
        cls = self.head.conv_cls(x).permute(0, 2, 3, 1).contiguous()
        box = self.head.conv_box(x).permute(0, 2, 3, 1).contiguous()
        dir_cls = self.head.conv_dir_cls(x).permute(0, 2, 3, 1).contiguous()
        return cls, box, dir_cls


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg_file', required=True)
    parser.add_argument('--ckpt', required=True)
    parser.add_argument('--out', default='pointpillars.onnx')
    parser.add_argument('--max_voxels', type=int, default=40000)
    args = parser.parse_args()
    cfg_from_yaml_file(args.cfg_file, cfg)
    logger = common_utils.create_logger()
    dataset = DatasetTemplate(dataset_cfg=cfg.DATA_CONFIG, class_names=cfg.CLASS_NAMES, training=False, logger=logger)
    model = build_network(model_cfg=cfg.MODEL, num_class=len(cfg.CLASS_NAMES), dataset=dataset)
    model.load_params_from_file(filename=args.ckpt, logger=logger, to_cpu=True)
    model.eval()
    wrapper = PillarsToHead(model, args.max_voxels).eval()
    points = cfg.DATA_CONFIG.DATA_PROCESSOR[-1].MAX_POINTS_PER_VOXEL
    voxels = torch.zeros(args.max_voxels, points, 10)
    voxel_num = torch.ones(1, dtype=torch.int32)
    voxel_idxs = torch.zeros(args.max_voxels, 4, dtype=torch.int32)
    with torch.no_grad():
        torch.onnx.export(
            wrapper, (voxels, voxel_num, voxel_idxs), args.out, opset_version=16, do_constant_folding=True,
            input_names=['voxels', 'voxel_num', 'voxel_idxs'], output_names=['cls_preds', 'box_preds', 'dir_cls_preds'],
        )
    print(f'wrote {args.out}; classes in head order: {list(cfg.CLASS_NAMES)}')


if __name__ == '__main__':
    main()
