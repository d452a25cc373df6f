// The trained model (core/learn/trained-model.ts) as YAML text: the header comment, flow style for small
// mappings, comments where users edit, and strings that YAML 1.1 readers would misread quoted.
import { Document, isMap, isSeq, Scalar, visit, type YAMLMap, type YAMLSeq } from 'yaml';
import type { TrainedModel } from '../core/learn/trained-model.js';

export function trainedModelYaml(m: TrainedModel): string {
  const doc = new Document({}) as Document<YAMLMap>;
  doc.commentBefore = m.header.join('\n');
  for (const [key, value] of m.sections) doc.set(key, doc.createNode(value));

  // readable layout: flow style for small mappings, comments where users edit
  const root = doc.contents as YAMLMap;
  const node = (k: string) => root.get(k, true) as unknown;
  const pred = node('predictive');
  if (isMap(pred)) {
    pred.commentBefore = m.comments.predictive;
    const feats = pred.get('features', true);
    if (isSeq(feats)) {
      for (const item of (feats as YAMLSeq).items) {
        if (!isMap(item)) continue;
        const enc = item.get('encoding', true);
        if (isMap(enc)) enc.flow = true;
        const lv = item.get('levels', true);
        if (isMap(lv) && lv.items.length <= 4) lv.flow = true;
        const nm = String(item.get('name'));
        const auc = m.featureAuc.get(nm);
        if (auc !== undefined) item.commentBefore = ` ${nm}: AUC alone ${auc.toFixed(3)}`;
      }
    }
  }
  const fit = node('fit');
  if (isMap(fit)) {
    fit.commentBefore = m.comments.fit;
    const rules = fit.get('rules', true);
    if (isSeq(rules)) for (const item of (rules as YAMLSeq).items) {
      if (!isMap(item)) continue;
      const ifNode = item.get('if', true);
      if (isMap(ifNode)) ifNode.flow = true;
      const ranges = item.get('ranges', true);
      if (isSeq(ranges)) for (const rr of (ranges as YAMLSeq).items) if (isMap(rr)) rr.flow = true;
    }
  }
  const inputNode = node('input');
  if (isMap(inputNode)) {
    const leadsNode = inputNode.get('leads', true);
    if (isMap(leadsNode)) {
      const nv = leadsNode.get('null_values', true);
      if (isSeq(nv)) nv.flow = true;
    }
  }
  const bandsNode = node('bands');
  if (isSeq(bandsNode)) {
    bandsNode.commentBefore = m.comments.bands;
    for (const b of bandsNode.items) if (isMap(b)) b.flow = true;
  }
  // quote strings that YAML 1.1 readers (editors, PyYAML) would take for booleans or null: `no: 0.03`
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && /^(y|yes|n|no|true|false|on|off|null|~)$/i.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
