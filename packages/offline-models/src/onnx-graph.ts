import onnxProto from 'onnx-proto'

const { onnx } = onnxProto
const { DataType } = onnx.TensorProto

/** Output scale of the int8 table; the per-token weight multiplies it afterwards. */
const TABLE_SCALE = 1 / 127

/**
 * The lexical model's ONNX graph (opset 13):
 *
 *   rows    = DequantizeLinear(Gather(table:int8[V,D], input_ids))   → float[B,S,D]
 *   weights = Gather(token_weight:float[V], input_ids) × float(attention_mask)
 *   last_hidden_state = rows × Unsqueeze(weights, -1)
 *
 * transformers.js then mean-pools over the mask and normalises, as it does for gte-small.
 */
export function buildOnnxModel(table: Int8Array, weights: Float32Array, dims: number, docString: string): Uint8Array {
  const vocabSize = weights.length
  if (table.length !== vocabSize * dims) throw new Error(`table has ${table.length} values, expected ${vocabSize}×${dims}`)
  const tensor = (name: string, dataType: number, dimsOf: number[], raw: Uint8Array) => onnx.TensorProto.create({ name, dataType, dims: dimsOf, rawData: raw })
  const bytes = (typed: ArrayBufferView) => new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength)
  const io = (name: string, elemType: number, shape: Array<string | number>) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType,
          shape: { dim: shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
        },
      },
    })
  const node = (opType: string, input: string[], output: string[], attribute: onnxProto.onnx.IAttributeProto[] = []) =>
    onnx.NodeProto.create({ opType, input, output, name: output[0], attribute })

  const graph = onnx.GraphProto.create({
    name: 'vecpods_lexical',
    initializer: [
      tensor('table', DataType.INT8, [vocabSize, dims], bytes(table)),
      tensor('token_weight', DataType.FLOAT, [vocabSize], bytes(weights)),
      tensor('table_scale', DataType.FLOAT, [], bytes(new Float32Array([TABLE_SCALE]))),
      tensor('table_zero_point', DataType.INT8, [], new Uint8Array([0])),
      tensor('last_axis', DataType.INT64, [1], bytes(new BigInt64Array([-1n]))),
    ],
    input: [io('input_ids', DataType.INT64, ['batch_size', 'sequence_length']), io('attention_mask', DataType.INT64, ['batch_size', 'sequence_length'])],
    output: [io('last_hidden_state', DataType.FLOAT, ['batch_size', 'sequence_length', dims])],
    node: [
      node('Gather', ['table', 'input_ids'], ['rows_int8']),
      node('DequantizeLinear', ['rows_int8', 'table_scale', 'table_zero_point'], ['rows']),
      node('Gather', ['token_weight', 'input_ids'], ['weights']),
      node('Cast', ['attention_mask'], ['mask'], [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: DataType.FLOAT }]),
      node('Mul', ['weights', 'mask'], ['masked_weights']),
      node('Unsqueeze', ['masked_weights', 'last_axis'], ['masked_weights_3d']),
      node('Mul', ['rows', 'masked_weights_3d'], ['last_hidden_state']),
    ],
  })
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'vecpods-offline-models',
    docString,
    graph,
  })
  return onnx.ModelProto.encode(model).finish()
}
