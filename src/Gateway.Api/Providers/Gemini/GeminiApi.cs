namespace Gateway.Api.Providers.Gemini;

/// <summary>
/// Which Google API serves the Gemini models. Both speak <c>generateContent</c>; they differ in where the model
/// lives, how the caller proves who it is, and what a request may point at (Vertex reads <c>gs://</c> objects itself).
/// </summary>
internal enum GeminiApi
{
    /// <summary><c>gemini/</c>: the Generative Language API (Google AI Studio), authenticated with an API key.</summary>
    GoogleAIStudio,

    /// <summary><c>vertex_ai/</c>: Gemini on Vertex AI in a Google Cloud project, authenticated with an OAuth access token.</summary>
    VertexAI,
}
