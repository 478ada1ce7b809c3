namespace MlObs.Drift.Methods;

/// <summary>The alternative hypothesis of a two-sample test, with scipy's meaning.</summary>
public enum Alternative
{
    /// <summary>The distributions differ (scipy <c>'two-sided'</c>).</summary>
    TwoSided,

    /// <summary>scipy <c>'less'</c>: for KS, the statistic is D⁻ = max(F₂ − F₁).</summary>
    Less,

    /// <summary>scipy <c>'greater'</c>: for KS, the statistic is D⁺ = max(F₁ − F₂).</summary>
    Greater,
}
