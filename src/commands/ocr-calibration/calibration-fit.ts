import { FitOcrCalibration, FittedCalibration, enoughFlywheelLabels } from '../../domain/ocr-calibration/ocr-calibration.decider';
import { chooseCalibration } from '../../ml/calibration';
import { rocAuc } from '../../ml/metrics';

/** A FitOcrCalibration before its fit. */
export type FitRequest = Omit<FitOcrCalibration, 'fitted'>;

/**
 * Fits the pooled labels (flywheel first, then the development set) with ml: both methods, the one
 * with the lower cross-validated log loss kept, and the out-of-fold AUROC. The decider checks the
 * labels and records the fit; labels it will refuse are not fitted.
 */
export function withFittedCalibration(request: FitRequest): FitOcrCalibration {
  if (!enoughFlywheelLabels(request.flywheelSamples, request.minFlywheelLabels)) return { ...request, fitted: null };
  const pooled = [...request.flywheelSamples, ...request.developmentSamples];
  const choice = chooseCalibration(pooled, request.folds);
  const auroc = rocAuc(choice.outOfFold, pooled.map((s) => s.correct));
  const fitted: FittedCalibration = { method: choice.method, map: choice.map, ece: choice.crossValidated.ece, logLoss: choice.crossValidated.logLoss, auroc };
  return { ...request, fitted };
}
