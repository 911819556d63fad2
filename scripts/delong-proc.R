suppressMessages(library(pROC)); library(jsonlite)
# Development aid: pROC figures for the DeLong fixture (apt-get install r-cran-proc r-cran-jsonlite).
# Run from the repository root: Rscript scripts/delong-proc.R
f <- fromJSON("src/ml/__fixtures__/delong-fixture.json")
out <- list()
for (k in names(f$cases)) {
  c <- f$cases[[k]]
  r1 <- roc(c$labels, c$candidate, levels=c(0,1), direction="<", quiet=TRUE)
  r2 <- roc(c$labels, c$baseline, levels=c(0,1), direction="<", quiet=TRUE)
  t <- roc.test(r1, r2, method="delong", paired=TRUE, alternative="greater")
  t2 <- roc.test(r1, r2, method="delong", paired=TRUE)
  out[[k]] <- list(ci95=as.numeric(t2$conf.int), standard_error=(as.numeric(auc(r1))-as.numeric(auc(r2)))/unname(t$statistic), auc_candidate=as.numeric(auc(r1)), auc_baseline=as.numeric(auc(r2)), z=unname(t$statistic), p_value=t$p.value, auc_difference=as.numeric(auc(r1))-as.numeric(auc(r2)), pROC_version=as.character(packageVersion("pROC")))
}
cat(toJSON(out, digits=NA, auto_unbox=TRUE, pretty=TRUE))
