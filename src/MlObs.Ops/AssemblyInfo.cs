// Assembly-wide attributes of MlObs.Ops.
[assembly: System.CLSCompliant(false)]
