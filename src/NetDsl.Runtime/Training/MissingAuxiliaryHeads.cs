namespace NetDsl.Runtime.Training;

/// <summary>
/// What <see cref="TrainingCheckpoint.LoadParameters"/> does with a file that holds none of an auxiliary head's
/// tensors. Auxiliary heads run only in training, so evaluation never reads them.
/// </summary>
public enum MissingAuxiliaryHeads
{
    /// <summary>Refuse the file, listing every missing tensor: NetDsl's own checkpoints always hold them.</summary>
    Refuse,

    /// <summary>
    /// Load the rest and leave such a head's parameters as the buffer holds them: for evaluation, or to fine-tune from
    /// weights of a model built without the heads (initialize the buffer first, so they start from initialization).
    /// A head with only some of its tensors is still refused: a misnamed tensor is an error, not an absent head.
    /// </summary>
    Keep,
}
