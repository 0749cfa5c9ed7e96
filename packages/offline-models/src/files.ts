import { SPECIAL_TOKENS, type Token } from './vocab.ts'

const MAX_LENGTH = 512

/** `config.json`: a BERT-type encoder as transformers.js's AutoModel expects it. */
export function modelConfig(vocabSize: number, dims: number, vecpods: { kind: string; note: string }) {
  return {
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_size: dims,
    vocab_size: vocabSize,
    max_position_embeddings: MAX_LENGTH,
    pad_token_id: 0,
    vecpods,
  }
}

export function tokenizerConfig() {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: MAX_LENGTH,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
    clean_up_tokenization_spaces: true,
  }
}

const BERT_NORMALIZER = { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true }

/** `tokenizer.json` in the Hugging Face tokenizers format: BERT normaliser, WordPiece model. */
export function tokenizerJson(vocab: Token[], normalizers: object[] = []) {
  const ids = Object.fromEntries(vocab.map((t, i) => [t.piece, i]))
  const id = (piece: string) => ids[piece] as number
  const special = (piece: string) => ({ id: piece, ids: [id(piece)], tokens: [piece] })
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((piece) => ({
      id: id(piece),
      content: piece,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: normalizers.length ? { type: 'Sequence', normalizers: [...normalizers, BERT_NORMALIZER] } : BERT_NORMALIZER,
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': special('[CLS]'), '[SEP]': special('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: ids },
  }
}
